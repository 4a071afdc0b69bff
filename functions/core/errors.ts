import { FAILURE_CATEGORY, type FailureCategory } from './failure';

/** Options every pipeline error takes. */
export interface PipelineErrorOptions {
  /** The error that led to this one. */
  readonly cause?: unknown;
  /** Facts that help whoever reads the log: ids, names, values. */
  readonly context?: Record<string, unknown>;
}

/**
 * Base class of the project's errors. Retry decisions check `name` as well as
 * `instanceof`, so two bundled copies of this file still agree.
 */
export class PipelineError extends Error {
  public readonly context: Record<string, unknown>;

  public constructor(message: string, options: PipelineErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'PipelineError';
    this.context = options.context ?? {};
  }
}

/**
 * A processor failure with a known category. Thrown by processors; the consumer
 * reads `category` to decide between a retry and the dead-letter queue.
 */
export class JobFailedError extends PipelineError {
  public readonly category: FailureCategory;
  /** How long the target asked us to wait before the next attempt (`Retry-After`). */
  public readonly retryAfterMs?: number;

  public constructor(
    message: string,
    category: FailureCategory,
    options: PipelineErrorOptions & { readonly retryAfterMs?: number } = {},
  ) {
    super(message, options);
    this.name = 'JobFailedError';
    this.category = category;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * BullMQ's `UnrecoverableError`: the job goes to the dead-letter queue at once,
 * whatever attempts are left.
 *
 * @example
 * throw new NonRetryableError('order 42 no longer exists');
 */
export class NonRetryableError extends JobFailedError {
  public constructor(message: string, options: PipelineErrorOptions = {}) {
    super(message, FAILURE_CATEGORY.nonRetryable, options);
    this.name = 'NonRetryableError';
  }
}

/** A processor ran past its queue's timeout and was aborted. */
export class JobTimeoutError extends JobFailedError {
  public constructor(timeoutMs: number, options: PipelineErrorOptions = {}) {
    super(`job ran past its ${timeoutMs} ms timeout`, FAILURE_CATEGORY.timeout, options);
    this.name = 'JobTimeoutError';
  }
}

/** Input that breaks the API contract; `details` lists each problem. */
export class InvalidRequestError extends PipelineError {
  public readonly details?: unknown;

  public constructor(message: string, details?: unknown, options: PipelineErrorOptions = {}) {
    super(message, options);
    this.name = 'InvalidRequestError';
    this.details = details;
  }
}

/** A catalog entry or a function's configuration is wrong. */
export class ConfigError extends PipelineError {
  public constructor(message: string, options: PipelineErrorOptions = {}) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** A job id that has no record. */
export class JobNotFoundError extends PipelineError {
  public constructor(jobId: string, options: PipelineErrorOptions = {}) {
    super(`job ${jobId} does not exist`, { ...options, context: { jobId, ...options.context } });
    this.name = 'JobNotFoundError';
  }
}

/**
 * A state transition whose condition did not hold: the job was not in a state
 * that allows it (already claimed, already final, another run).
 */
export class TransitionConflictError extends PipelineError {
  public constructor(jobId: string, transition: string, options: PipelineErrorOptions = {}) {
    super(`job ${jobId} cannot ${transition} from its current state`, {
      ...options,
      context: { jobId, transition, ...options.context },
    });
    this.name = 'TransitionConflictError';
  }
}

const NAMED_CATEGORIES: Record<string, FailureCategory> = {
  NonRetryableError: FAILURE_CATEGORY.nonRetryable,
  JobTimeoutError: FAILURE_CATEGORY.timeout,
  AbortError: FAILURE_CATEGORY.timeout,
  TimeoutError: FAILURE_CATEGORY.timeout,
};

/**
 * Node's and undici's codes for a connection that failed before any response:
 * refused, reset, unreachable, DNS (`ENOTFOUND`, `EAI_AGAIN`), socket timeouts.
 */
const NETWORK_CODE = /^(E(CONN|ADDR|HOST|NET|PIPE|AI_)|ENOTFOUND$|ETIMEDOUT$|UND_ERR)/;

const hasNetworkCode = (value: unknown): boolean => {
  const code = (value as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && NETWORK_CODE.test(code);
};

/**
 * The category of anything a processor threw. A {@link JobFailedError} (or a twin
 * from another bundle with the same `name` and a `category`) keeps its own; an
 * abort is a `timeout`; anything else is a `network` failure if it looks like
 * one (its `code`, or its `cause`'s as in undici's `fetch failed`) and a
 * `server` failure otherwise, so unknown errors are retried.
 */
export function categoryOf(error: unknown): FailureCategory {
  if (error instanceof JobFailedError) return error.category;
  if (typeof error !== 'object' || error === null) return FAILURE_CATEGORY.server;
  const { name, category } = error as { name?: unknown; category?: unknown };
  if (typeof category === 'string' && (Object.values(FAILURE_CATEGORY) as string[]).includes(category)) {
    return category as FailureCategory;
  }
  // Own keys only: a `name` such as "constructor" must not find Object.prototype's.
  if (typeof name === 'string' && Object.hasOwn(NAMED_CATEGORIES, name)) return NAMED_CATEGORIES[name] as FailureCategory;
  if (hasNetworkCode(error) || hasNetworkCode((error as { cause?: unknown }).cause)) return FAILURE_CATEGORY.network;
  return FAILURE_CATEGORY.server;
}
