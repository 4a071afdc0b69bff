import { BulkAddError, type BulkAddResult } from './bulk-add-error.js';
import { InvalidOptionError, JobPipelineError, UnsupportedOptionError } from './errors.js';
import { Job } from './job.js';
import { countOf, countTypesOf, isServerQueueCounts, type JobCountType } from './job-counts.js';
import { isJobView } from './job-state.js';
import { checkJobOptions, isSafeToRepeat, requestFields, type JobsOptions } from './options.js';
import type { QueueDataTypes } from './queue-types.js';
import { retryPolicyOf, type RetryOptions } from './retry.js';
import { ApiTransport, errorFromAnswer, errorFromEnvelope, type ApiAnswer, type FetchFunction } from './transport.js';

/** The data type of a queue's jobs: the catalog's data schema when it has one, else `unknown`. */
export type QueueData<QueueName extends string> = QueueName extends keyof QueueDataTypes ? QueueDataTypes[QueueName] : unknown;

/** Where the queue's API is and how to call it. */
export interface QueueOptions {
  /** The API's base URL: the deployed stage's URL, or the local cloud's (`npm start` prints it). */
  readonly url: string;
  /** The partner's API key, sent as `x-api-key`. */
  readonly apiKey: string;
  /** The `fetch` to call. @default globalThis.fetch */
  readonly fetch?: FetchFunction;
  /** Retries on 429, 5xx and network errors: a count, or the full settings. @default 3 retries, full jitter from 200 ms to 5 s */
  readonly retries?: number | RetryOptions;
  /** Options every `add` starts from, as BullMQ's; a job's own options override them. */
  readonly defaultJobOptions?: JobsOptions;
}

/** One job of `addBulk`, as BullMQ's. */
export interface BulkJob<Data, JobName extends string = string> {
  readonly name: JobName;
  readonly data: Data;
  readonly opts?: JobsOptions;
}

/** The most jobs one batch request carries; `addBulk` splits larger lists. */
export const MAX_BATCH_JOBS = 100;

/** BullMQ queue options with no place here, and what to use instead. */
const UNSUPPORTED_QUEUE_OPTIONS: Readonly<Record<string, string>> = {
  connection: 'the client talks to the HTTP API: give url and apiKey instead of a Redis connection',
  prefix: 'queues are named by the catalog; there is no key prefix',
  streams: 'there are no event streams; waitUntilFinished() long-polls the server',
  skipVersionCheck: 'there is no Redis version to check',
  skipMetasUpdate: 'there is no queue meta to update',
  telemetry: 'send x-correlation-id with the HTTP API to follow a job through the logs',
};

const QUEUE_OPTIONS = ['url', 'apiKey', 'fetch', 'retries', 'defaultJobOptions'];

/** An accepted job in an add's answer: `202 { job_id, status, queued_at }` or a duplicate's `200 { job_id, duplicate, status }`. */
interface Acceptance {
  readonly job_id: string;
  readonly status: string;
  readonly queued_at?: string;
}

function isAcceptance(body: unknown): body is Acceptance {
  const candidate = body as Partial<Acceptance> | null | undefined;
  return typeof candidate?.job_id === 'string' && typeof candidate.status === 'string';
}

function checkQueueOptions(options: QueueOptions): void {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', 'give { url, apiKey }');
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || QUEUE_OPTIONS.includes(key)) continue;
    throw new UnsupportedOptionError(key, UNSUPPORTED_QUEUE_OPTIONS[key] ?? `it is not a queue option of this client; the options are ${QUEUE_OPTIONS.join(', ')}`);
  }
  if (typeof options.url !== 'string' || !/^https?:\/\/[^/]/.test(options.url)) {
    throw new InvalidOptionError('url', `give the API's base URL, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod (got ${String(options.url)})`);
  }
  if (typeof options.apiKey !== 'string' || options.apiKey === '') throw new InvalidOptionError('apiKey', "give the partner's API key");
  checkJobOptions(options.defaultJobOptions);
}

/**
 * A queue of the pipeline, shaped as BullMQ's `Queue` for producers: `add`,
 * `addBulk`, `getJob`, `getJobCounts`. It calls the HTTP API with an API key; nothing runs in
 * process. With a catalog queue's name, `data` is typed by the queue's data
 * schema (`Queue<'payments'>`).
 *
 * @example
 * const payments = new Queue('payments', { url: process.env.PIPELINE_URL!, apiKey: process.env.PIPELINE_API_KEY! });
 * const job = await payments.add('stk_push', { intentId: 'pi_42', payload: { amount: 1000 }, action: 'stk_push' }, { jobId: 'pi_42', priority: 1 });
 * console.log(await job.getState()); // 'waiting'
 */
export class Queue<QueueName extends string = string, Data = QueueData<QueueName>, Result = unknown> {
  public readonly name: QueueName;
  private readonly transport: ApiTransport;
  private readonly defaultJobOptions: JobsOptions | undefined;

  /**
   * @throws UnsupportedOptionError for a BullMQ queue option such as `connection`
   * @throws InvalidOptionError for a missing URL or API key
   */
  public constructor(name: QueueName, options: QueueOptions) {
    if (typeof name !== 'string' || name === '') throw new InvalidOptionError('name', 'give the queue name, as the catalog lists it');
    checkQueueOptions(options);
    const fetchFunction: FetchFunction | undefined =
      options.fetch ?? (typeof globalThis.fetch === 'function' ? (input, init) => globalThis.fetch(input, init) : undefined);
    if (fetchFunction === undefined) throw new InvalidOptionError('fetch', 'this runtime has no global fetch (Node 20+ and browsers do); pass one');
    this.name = name;
    this.defaultJobOptions = options.defaultJobOptions;
    this.transport = new ApiTransport({ url: options.url, apiKey: options.apiKey, fetch: fetchFunction, retry: retryPolicyOf(options.retries) });
  }

  /**
   * Adds a job (`POST /jobs/{queue}`). With a `jobId`, a live twin is
   * returned instead of a new job, and the request is retried when its
   * answer is lost; without one it is sent once.
   *
   * @throws UnsupportedOptionError / InvalidOptionError before sending, for options it cannot send
   * @throws JobPipelineError the server's refusal (`invalid_request` with field `details`, `unknown_queue`, `payload_too_large`, …)
   */
  public async add<JobName extends string>(name: JobName, data: Data, opts?: JobsOptions): Promise<Job<Data, Result, JobName>> {
    const options = this.optionsOf(opts);
    const path = `/jobs/${encodeURIComponent(this.name)}`;
    const answer = await this.transport.request('POST', path, { body: this.requestBody(name, data, options), retry: isSafeToRepeat(options) });
    if ((answer.status !== 202 && answer.status !== 200) || !isAcceptance(answer.body)) throw errorFromAnswer(answer, `POST ${path}`);
    return this.acceptedJob(answer.body, name, data, options);
  }

  /**
   * Adds many jobs (`POST /jobs/{queue}/batch`, 100 a request, in order).
   * Resolves with every job when all are accepted; when some are refused,
   * rejects with a {@link BulkAddError} whose `results` say each job's
   * outcome, so the accepted ones can be kept. A chunk is retried only when
   * each of its jobs has a `jobId`.
   *
   * @throws BulkAddError when some jobs were refused
   * @throws JobPipelineError when the first request is refused as a whole (nothing was added)
   */
  public async addBulk<JobName extends string>(jobs: readonly BulkJob<Data, JobName>[]): Promise<Job<Data, Result, JobName>[]> {
    if (!Array.isArray(jobs)) throw new InvalidOptionError('jobs', 'give an array of { name, data, opts }');
    const items = jobs.map((job) => ({ job, options: this.optionsOf(job.opts) }));
    const path = `/jobs/${encodeURIComponent(this.name)}/batch`;
    const results: BulkAddResult<Job<Data, Result, JobName>>[] = [];
    let refusedStatus: number | undefined;
    for (let start = 0; start < items.length; start += MAX_BATCH_JOBS) {
      const chunk = items.slice(start, start + MAX_BATCH_JOBS);
      const body = { jobs: chunk.map(({ job, options }) => this.requestBody(job.name, job.data, options)) };
      let answer: ApiAnswer | undefined;
      let failure: JobPipelineError | undefined;
      try {
        answer = await this.transport.request('POST', path, { body, retry: chunk.every(({ options }) => isSafeToRepeat(options)) });
      } catch (error) {
        if (!(error instanceof JobPipelineError)) throw error;
        failure = error;
      }
      const outcomes = answer === undefined ? undefined : perJobOutcomes(answer, chunk.length);
      if (outcomes === undefined) {
        const error = failure ?? errorFromAnswer(answer as ApiAnswer, `POST ${path}`);
        if (start === 0) throw error;
        const notSent = new JobPipelineError('not sent: an earlier request of this addBulk failed as a whole', { code: 'not_sent' });
        results.push(...chunk.map(() => ({ error })), ...items.slice(start + chunk.length).map(() => ({ error: notSent })));
        throw new BulkAddError(results, answer?.status ?? refusedStatus);
      }
      outcomes.forEach((outcome, index) => {
        const { job, options } = chunk[index] as (typeof chunk)[number];
        results.push(isAcceptance(outcome) ? { job: this.acceptedJob(outcome, job.name, job.data, options) } : { error: outcome });
      });
      if (outcomes.some((outcome) => outcome instanceof JobPipelineError)) refusedStatus ??= answer?.status;
    }
    if (refusedStatus !== undefined) throw new BulkAddError(results, refusedStatus);
    return results.map((result) => result.job as Job<Data, Result, JobName>);
  }

  /**
   * The job with this id (`GET /jobs/{id}?include=data`), or `undefined`
   * when there is none in this queue (or it belongs to another partner, or
   * has expired). Its `data` is `undefined` when the server does not return
   * it (a server without `include=data`, or data no longer kept).
   */
  public async getJob(id: string): Promise<Job<Data | undefined, Result> | undefined> {
    if (typeof id !== 'string' || id === '') throw new InvalidOptionError('id', 'give the job id that add() returned');
    const path = `/jobs/${encodeURIComponent(id)}?include=data`;
    const answer = await this.transport.request('GET', path, { retry: true });
    if (answer.status === 404) return undefined;
    if (answer.status !== 200 || !isJobView(answer.body)) throw errorFromAnswer(answer, `GET ${path}`);
    if (answer.body.queue !== this.name) return undefined;
    return Job.fromView<Result>(this.transport, answer.body) as Job<Data | undefined, Result>;
  }

  /**
   * The queue's job counts as they are now, as BullMQ's `getJobCounts`: the
   * types named (every type when none is), each keyed by its name
   * (`GET /health/queue`, always retried). The server counts at most once
   * every 15 s, so counts may be that old. They are the queue's, whichever
   * partner posted its jobs; `completed` counts the last 24 h (the server
   * keeps no longer list); `prioritized`, `waiting-children` and `repeat` are
   * always 0 (jobs of every lane are `waiting`).
   *
   * @example
   * await queue.getJobCounts(); // { active: 1, completed: 42, delayed: 0, failed: 2, paused: 0, prioritized: 0, waiting: 7, 'waiting-children': 0 }
   * await queue.getJobCounts('waiting', 'failed'); // { waiting: 7, failed: 2, paused: 0 }
   * @throws InvalidOptionError for a type BullMQ does not have
   * @throws JobPipelineError `unknown_queue` when the API has no such queue
   */
  public async getJobCounts(...types: JobCountType[]): Promise<Record<string, number>> {
    const picked = countTypesOf(types);
    const counts = await this.serverCounts();
    return Object.fromEntries(picked.map((type) => [type, countOf(counts, type)]));
  }

  /** The sum of the counts of the types named, as BullMQ's `getJobCountByTypes`. */
  public async getJobCountByTypes(...types: JobCountType[]): Promise<number> {
    const counts = await this.getJobCounts(...types);
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }

  /** Nothing to close (there is no connection); kept so BullMQ code that closes its queues runs unchanged. */
  public async close(): Promise<void> {}

  private async serverCounts() {
    const path = '/health/queue';
    const answer = await this.transport.request('GET', path, { retry: true });
    const queues = (answer.body as { queues?: Record<string, unknown> } | undefined)?.queues;
    if (answer.status !== 200 || queues === undefined) throw errorFromAnswer(answer, `GET ${path}`);
    const counts = queues[this.name];
    if (!isServerQueueCounts(counts)) {
      throw new JobPipelineError(`there is no queue named "${this.name}" in the API's counts; the queues are ${Object.keys(queues).join(', ')}`, { status: answer.status, code: 'unknown_queue', details: { queue: this.name } });
    }
    return counts;
  }

  private optionsOf(opts: JobsOptions | undefined): JobsOptions | undefined {
    checkJobOptions(opts);
    if (this.defaultJobOptions === undefined) return opts;
    return { ...this.defaultJobOptions, ...opts };
  }

  private requestBody(name: string, data: Data, options: JobsOptions | undefined): Record<string, unknown> {
    if (typeof name !== 'string') throw new InvalidOptionError('name', "give the job's name (its kind within the queue), e.g. 'stk_push'");
    return { name, data, ...requestFields(options) };
  }

  private acceptedJob<JobName extends string>(accepted: Acceptance, name: JobName, data: Data, options: JobsOptions | undefined) {
    return new Job<Data, Result, JobName>(this.transport, {
      id: accepted.job_id,
      name,
      queueName: this.name,
      data,
      opts: options ?? {},
      status: accepted.status,
      timestamp: accepted.queued_at === undefined ? Date.now() : Date.parse(accepted.queued_at),
    });
  }
}

/**
 * A batch answer's per-job outcomes, in order (an acceptance, or the error
 * of a refused job), or `undefined` when the answer refused the request as a
 * whole. `202` all accepted, `207` some refused, `400` none accepted (and,
 * from older servers, `202` with `ok: false`).
 */
function perJobOutcomes(answer: ApiAnswer, count: number): (Acceptance | JobPipelineError)[] | undefined {
  if (![200, 202, 207, 400].includes(answer.status)) return undefined;
  const results = (answer.body as { results?: unknown } | undefined)?.results;
  if (!Array.isArray(results) || results.length !== count) return undefined;
  return results.map((result: unknown) => {
    if (isAcceptance(result) && (result as { ok?: unknown }).ok !== false) return result;
    return errorFromEnvelope(result);
  });
}
