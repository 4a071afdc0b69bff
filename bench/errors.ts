/** What went wrong, as a stable code a script can test and a message that says the fix. */
export const BENCH_ERROR = {
  usage: 'usage',
  prerequisite: 'prerequisite',
  timeout: 'timeout',
  failed: 'failed',
} as const;

/** One of {@link BENCH_ERROR}. */
export type BenchErrorCode = (typeof BENCH_ERROR)[keyof typeof BENCH_ERROR];

/**
 * An error of the bench itself: a bad argument, a missing prerequisite
 * (Java, redis-server), a scenario that did not finish. Its message is shown
 * as is, without a stack.
 */
export class BenchError extends Error {
  /** Which kind of failure, for scripts. */
  readonly code: BenchErrorCode;

  constructor(code: BenchErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'BenchError';
    this.code = code;
  }
}
