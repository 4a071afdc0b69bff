import type { JobMessage } from '../core/job';

/** The little a processor may log through: no payloads, no personal data. */
export interface ProcessorLogger {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** What a processor gets beside the job. */
export interface ProcessorContext {
  /** Aborts when the queue's timeout passes; a processor must stop work when it fires. */
  readonly signal: AbortSignal;
  /** This attempt's number, from 1. */
  readonly attempt: number;
  readonly logger: ProcessorLogger;
  /**
   * Where the target may report this attempt's progress (`POST`, the token in
   * its query is the credential); a delivery names it in its
   * `webhook-progress-url` header.
   *
   * @default - none: the attempt has no progress token, or the consumer no API URL
   */
  readonly progressUrl?: string;
}

/**
 * What a job does. It resolves with a result to complete the job, or throws:
 * a `JobFailedError` (or `NonRetryableError`) with a category, or anything else,
 * which `categoryOf` classifies.
 *
 * @example
 * const echo: Processor = async (job) => ({ received: job.jobId });
 */
export type Processor = (job: JobMessage, context: ProcessorContext) => Promise<unknown>;
