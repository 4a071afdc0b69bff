import { InvalidOptionError, JobCancelledError, JobFailedError, JobNotCancellableError, JobPipelineError, WaitTimeoutError } from './errors.js';
import { isFinalStatus, isJobView, stateOf, type JobState, type JobView } from './job-state.js';
import type { JobsOptions } from './options.js';
import { errorFromAnswer, type ApiTransport } from './transport.js';

/** A job's progress, as its target reported it: a number 0–100 or a small object. */
export type JobProgress = number | object;

/** The longest long-poll the server takes (`GET /jobs/{id}?wait=N`), in seconds. */
export const MAX_WAIT_SECONDS = 20;

/** What a job is made from: an add's answer, or a read. */
export interface JobFields<Data, Name extends string> {
  readonly id: string;
  readonly name: Name;
  readonly queueName: string;
  readonly data: Data;
  readonly opts: JobsOptions;
  readonly status: string;
  readonly timestamp: number;
}

/**
 * A job, shaped as BullMQ's: made by `queue.add()`, `queue.addBulk()` or
 * `queue.getJob()`, never constructed directly. Its fields are as of its
 * last read; `getState()`, `waitUntilFinished()` and `remove()` read it again
 * and refresh them.
 *
 * @example
 * const job = await queue.add('stk_push', { intentId: 'pi_42', amount: 1000 }, { priority: 1 });
 * const result = await job.waitUntilFinished(30_000);
 */
export class Job<Data = unknown, Result = unknown, Name extends string = string> {
  /** The server's job id (`d-…` when derived from a `jobId`). */
  public readonly id: string;
  /** The job's kind within its queue, as in `add(name, data)`. */
  public readonly name: Name;
  public readonly queueName: string;
  /** What was added. For a job read by `getJob()`: the server's copy (`include=data`), `undefined` when it returns none. */
  public data: Data;
  /** The options it was added with (for a job read by `getJob()`: `attempts` only). */
  public readonly opts: JobsOptions;
  /** The latest progress its target reported; 0 before any. */
  public progress: JobProgress = 0;
  /** The server's `result` once completed (for an HTTP target: `{ status, body }` of its answer); `null` before. */
  public returnvalue: Result | null = null;
  /** The last error message once failed, as BullMQ's `failedReason`. */
  public failedReason: string | undefined;
  /** Attempts started so far (the server's `attempts`). */
  public attemptsMade = 0;
  /** When the job was added, in ms since the epoch. */
  public timestamp: number;
  /** When it reached a final state, in ms since the epoch, once it has. */
  public finishedOn: number | undefined;
  /** The server's own status as of the last read: `waiting`, `delayed`, `active`, `retrying`, `completed`, `failed` or `cancelled`. */
  public status: string;

  readonly #transport: ApiTransport;

  /** @internal Made by `Queue`. */
  public constructor(transport: ApiTransport, fields: JobFields<Data, Name>) {
    this.#transport = transport;
    this.id = fields.id;
    this.name = fields.name;
    this.queueName = fields.queueName;
    this.data = fields.data;
    this.opts = fields.opts;
    this.status = fields.status;
    this.timestamp = fields.timestamp;
  }

  /** @internal A job from `GET /jobs/{id}`'s answer. */
  public static fromView<Result>(transport: ApiTransport, view: JobView): Job<unknown, Result> {
    const job = new Job<unknown, Result>(transport, {
      id: view.job_id,
      name: view.name ?? view.queue,
      queueName: view.queue,
      data: view.data,
      opts: view.max_attempts === undefined ? {} : { attempts: view.max_attempts },
      status: view.status,
      timestamp: view.created_at === undefined ? Date.now() : Date.parse(view.created_at),
    });
    job.apply(view);
    return job;
  }

  /**
   * The job's state under BullMQ's names, read now: `retrying` is `delayed`
   * (BullMQ keeps a job there between attempts); cancelled, or gone, is
   * `unknown`.
   */
  public async getState(): Promise<JobState> {
    const view = await this.read(0);
    return view === undefined ? 'unknown' : stateOf(view.status);
  }

  /** Whether the job has completed, read now. */
  public async isCompleted(): Promise<boolean> {
    return (await this.getState()) === 'completed';
  }

  /** Whether the job has failed, read now. */
  public async isFailed(): Promise<boolean> {
    return (await this.getState()) === 'failed';
  }

  /** Whether the job is running, read now. */
  public async isActive(): Promise<boolean> {
    return (await this.getState()) === 'active';
  }

  /** Whether the job waits to run, read now. */
  public async isWaiting(): Promise<boolean> {
    return (await this.getState()) === 'waiting';
  }

  /** Whether the job waits for its delay or between attempts, read now. */
  public async isDelayed(): Promise<boolean> {
    return (await this.getState()) === 'delayed';
  }

  /**
   * Waits for the job to finish, long-polling the server (`?wait=N`, up to
   * 20 s a request; no QueueEvents needed). Resolves with its `returnvalue`.
   *
   * @param timeoutMs - give up after this long; wait without end when left out
   * @throws JobFailedError when it failed (`failedReason`, `details.category`)
   * @throws JobCancelledError when it was cancelled
   * @throws WaitTimeoutError when `timeoutMs` passed first (the job keeps running)
   * @throws JobPipelineError `job_not_found` when the job is gone
   */
  public async waitUntilFinished(timeoutMs?: number): Promise<Result> {
    if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !(timeoutMs >= 0))) {
      throw new InvalidOptionError('timeoutMs', 'give the longest wait in milliseconds, or nothing; no QueueEvents is needed, the server long-polls');
    }
    const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      // Tenths of a second, so the last poll ends on the deadline rather than up to a second past it.
      const waitSeconds = Math.min(MAX_WAIT_SECONDS, Math.max(0, Math.ceil(left / 100) / 10));
      const view = await this.read(waitSeconds);
      if (view === undefined) throw this.gone();
      if (view.status === 'completed') return this.returnvalue as Result;
      if (view.status === 'failed') throw new JobFailedError(this.id, this.failedReason ?? 'failed', view.error?.category);
      if (view.status === 'cancelled') throw new JobCancelledError(this.id);
      if (Date.now() >= deadline) throw new WaitTimeoutError(this.id, timeoutMs ?? 0, view.status);
    }
  }

  /**
   * Removes the job: cancels it while it waits or is delayed, so it never
   * runs. Removing a job already cancelled succeeds.
   *
   * @throws JobNotCancellableError once it is active or final
   * @throws JobPipelineError `job_not_found` when the job is gone
   */
  public async remove(): Promise<void> {
    // Safe to repeat: a retry after a lost answer finds the job cancelled (409), which is what was asked.
    const answer = await this.#transport.request('DELETE', this.path(), { retry: true });
    if (answer.status === 200 && isJobView(answer.body)) {
      this.apply(answer.body);
      return;
    }
    if (answer.status === 409) {
      const current = await this.read(0);
      if (current === undefined) throw this.gone();
      if (current.status === 'cancelled') return;
      throw new JobNotCancellableError(this.id, current.status, { details: { job_id: this.id, status: current.status } });
    }
    throw errorFromAnswer(answer, `DELETE ${this.path()}`);
  }

  /** Reads the job (long-polling up to `waitSeconds`) and refreshes this object; `undefined` when it is gone (404). */
  private async read(waitSeconds: number): Promise<JobView | undefined> {
    const path = waitSeconds > 0 ? `${this.path()}?wait=${waitSeconds}` : this.path();
    const answer = await this.#transport.request('GET', path, { retry: true });
    if (answer.status === 404) return undefined;
    if (answer.status !== 200 || !isJobView(answer.body)) throw errorFromAnswer(answer, `GET ${path}`);
    this.apply(answer.body);
    return answer.body;
  }

  /** Takes the fields of a fresh read. */
  private apply(view: JobView): void {
    this.status = view.status;
    if (view.progress !== undefined && view.progress !== null) this.progress = view.progress as JobProgress;
    if (view.result !== undefined) this.returnvalue = view.result as Result;
    if (view.error?.message !== undefined) this.failedReason = view.error.message;
    if (typeof view.attempts === 'number') this.attemptsMade = view.attempts;
    if (view.data !== undefined) this.data = view.data as Data;
    if (isFinalStatus(view.status) && view.updated_at !== undefined) this.finishedOn = Date.parse(view.updated_at);
  }

  private path(): string {
    return `/jobs/${encodeURIComponent(this.id)}`;
  }

  private gone(): JobPipelineError {
    return new JobPipelineError(`there is no job with id "${this.id}" (it expired, or belongs to another partner)`, {
      status: 404,
      code: 'job_not_found',
      details: { job_id: this.id },
    });
  }
}
