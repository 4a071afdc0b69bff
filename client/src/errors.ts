/** What every error of this client carries besides its message. */
export interface JobPipelineErrorOptions {
  /** The HTTP status of the answer that carried the error; none for a network error or a refused option. */
  readonly status?: number;
  /** A stable, machine-readable code: the server's `error.code`, or one of this client's own. */
  readonly code: string;
  /** The server's `error.details` (e.g. `[{ field, message }]` for an invalid request), or this client's context. */
  readonly details?: unknown;
  readonly cause?: unknown;
}

/**
 * The base class of every error this client throws. A server error keeps the
 * envelope `{ ok: false, error: { code, message, details } }` it came in.
 * Check errors with `instanceof` or by `name` (two bundled copies of the
 * client still agree on the name).
 *
 * @example
 * try {
 *   await queue.add('stk_push', data, { jobId: 'pi_42' });
 * } catch (error) {
 *   if (error instanceof JobPipelineError && error.code === 'invalid_request') console.log(error.details);
 * }
 */
export class JobPipelineError extends Error {
  public readonly status: number | undefined;
  public readonly code: string;
  public readonly details: unknown;

  public constructor(message: string, options: JobPipelineErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'JobPipelineError';
    this.status = options.status;
    this.code = options.code;
    this.details = options.details;
  }
}

/**
 * A BullMQ option (or queue option) this client does not support, named with
 * what to use instead; code `unsupported_option`. Thrown before anything is
 * sent: an option is never silently ignored.
 */
export class UnsupportedOptionError extends JobPipelineError {
  /** The option, e.g. `lifo` or `backoff.jitter`. */
  public readonly option: string;

  public constructor(option: string, instead: string) {
    super(`option "${option}" is not supported by job-pipeline-client: ${instead}`, {
      code: 'unsupported_option',
      details: { option, instead },
    });
    this.name = 'UnsupportedOptionError';
    this.option = option;
  }
}

/** An option with a value this client cannot map (e.g. `priority: -1`); code `invalid_option`. */
export class InvalidOptionError extends JobPipelineError {
  public readonly option: string;

  public constructor(option: string, message: string) {
    super(`option "${option}" is invalid: ${message}`, { code: 'invalid_option', details: { option } });
    this.name = 'InvalidOptionError';
    this.option = option;
  }
}

/** The request never got an answer (DNS, refused or reset connection), after any retries; code `network_error`. */
export class NetworkError extends JobPipelineError {
  public constructor(message: string, cause: unknown) {
    super(message, { code: 'network_error', cause });
    this.name = 'NetworkError';
  }
}

/** `429`: over the partner's request rate or quota, after any retries. `retryAfterMs` is the server's `Retry-After`, when given. */
export class RateLimitedError extends JobPipelineError {
  public readonly retryAfterMs: number | undefined;

  public constructor(message: string, options: JobPipelineErrorOptions & { readonly retryAfterMs?: number }) {
    super(message, options);
    this.name = 'RateLimitedError';
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** `job.remove()` on a job that is already active or final: `409 not_cancellable`. `state` is the job's server status. */
export class JobNotCancellableError extends JobPipelineError {
  public readonly state: string;

  public constructor(jobId: string, state: string, options: Omit<JobPipelineErrorOptions, 'code'> = {}) {
    super(`job ${jobId} is ${state}; only waiting or delayed jobs can be removed (cancelled)`, { ...options, status: 409, code: 'not_cancellable' });
    this.name = 'JobNotCancellableError';
    this.state = state;
  }
}

/** `job.waitUntilFinished()` on a job that failed; code `job_failed`, `details.category` the failure category. */
export class JobFailedError extends JobPipelineError {
  /** The job's last error message, as BullMQ's `failedReason`. */
  public readonly failedReason: string;
  public readonly jobId: string;

  public constructor(jobId: string, failedReason: string, category: string | undefined) {
    super(failedReason, { code: 'job_failed', details: { job_id: jobId, category } });
    this.name = 'JobFailedError';
    this.jobId = jobId;
    this.failedReason = failedReason;
  }
}

/** `job.waitUntilFinished()` on a job that was cancelled (removed) before it ran; code `job_cancelled`. */
export class JobCancelledError extends JobPipelineError {
  public readonly failedReason: string;
  public readonly jobId: string;

  public constructor(jobId: string) {
    const reason = `job ${jobId} was cancelled before it ran`;
    super(reason, { code: 'job_cancelled', details: { job_id: jobId } });
    this.name = 'JobCancelledError';
    this.jobId = jobId;
    this.failedReason = reason;
  }
}

/** `job.waitUntilFinished(timeoutMs)` gave up before the job finished; code `wait_timeout`. The job keeps running. */
export class WaitTimeoutError extends JobPipelineError {
  public readonly jobId: string;

  public constructor(jobId: string, timeoutMs: number, state: string) {
    super(`job ${jobId} did not finish within ${timeoutMs} ms (it is ${state})`, { code: 'wait_timeout', details: { job_id: jobId, state } });
    this.name = 'WaitTimeoutError';
    this.jobId = jobId;
  }
}
