import type { ProcessorContext, ProcessorLogger } from '../../../functions/processors/processor';

/** One line a processor logged. */
export interface LoggedLine {
  readonly level: keyof ProcessorLogger;
  readonly message: string;
  readonly extra?: Record<string, unknown>;
}

/** A logger that keeps what it is given, so tests can check what reaches the log. */
export function aRecordingLogger(): ProcessorLogger & { readonly lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const at =
    (level: keyof ProcessorLogger) =>
    (message: string, extra?: Record<string, unknown>): void => {
      lines.push({ level, message, extra });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A processor context: first attempt, a signal that never fires, a recording logger. */
export function aProcessorContext(
  overrides: Partial<Omit<ProcessorContext, 'logger'>> = {},
): ProcessorContext & { readonly logger: ReturnType<typeof aRecordingLogger> } {
  return { signal: new AbortController().signal, attempt: 1, ...overrides, logger: aRecordingLogger() };
}
