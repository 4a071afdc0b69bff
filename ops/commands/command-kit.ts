import type { Command } from 'commander';
import type { AdminApi, ApiAnswer } from '../admin-api';
import { OpsError } from '../errors';
import type { OpsIo } from '../io';

/** The options every command takes. */
export interface GlobalOptions {
  readonly apiUrl?: string;
  readonly region?: string;
  readonly config: string;
  readonly json?: boolean;
}

/** What a command needs: the terminal and a way to reach the admin API. */
export interface CommandKit {
  readonly io: OpsIo;
  readonly connect: (options: GlobalOptions) => Promise<AdminApi>;
}

/** The global options of the command being run. */
export function globalsOf(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/** An API error as a sentence: the envelope's code and message, or API Gateway's own message (e.g. a refused signature). */
export function describeFailure(answer: ApiAnswer): string {
  const error = answer.body.error;
  if (typeof error === 'object' && error !== null) {
    const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
    const detail = details === undefined ? '' : `\n${JSON.stringify(details, null, 2)}`;
    return `${String(code ?? answer.status)}: ${String(message ?? 'request failed')}${detail}`;
  }
  const message = answer.body.message ?? answer.body.Message;
  return `HTTP ${answer.status}${typeof message === 'string' ? `: ${message}` : ''}`;
}

/** The body of a successful answer; a failed one throws an `OpsError` that says why. */
export function expectOk(answer: ApiAnswer): Record<string, unknown> {
  if (answer.status >= 200 && answer.status < 300) return answer.body;
  throw new OpsError(describeFailure(answer));
}

/** Prints an answer: as JSON with `--json`, else through the command's formatter. */
export function print(io: OpsIo, globals: GlobalOptions, body: Record<string, unknown>, format: (body: Record<string, unknown>) => string): void {
  io.out(globals.json === true ? JSON.stringify(body, null, 2) : format(body));
}

/** Path segment escaping for queue names and job ids. */
export const segment = (value: string): string => encodeURIComponent(value);
