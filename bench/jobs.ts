import { BENCH_ERROR, BenchError } from './errors';
import { postJson, runPool } from './http-client';

/** Where jobs are posted: the pipeline's API or the BullMQ relay, which take the same bodies. */
export interface SystemUnderTest {
  readonly name: 'pipeline' | 'bullmq';
  /** Base URL: `POST <apiUrl>/jobs/<queue>` and `…/batch`. */
  readonly apiUrl: string;
  /** Sent with every request (the API key). */
  readonly headers: Readonly<Record<string, string>>;
}

/** The body of one job request. */
export interface JobBody {
  readonly name: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly priority?: string;
}

/** Jobs posted, as the API answered them. */
export interface Posted {
  /** Ids of the accepted jobs, in posting order. */
  readonly jobIds: string[];
  /** Round trip of each request, ms. */
  readonly latencies: number[];
  /** Jobs refused (a status other than 200/202, or a refused batch item). */
  readonly rejected: number;
  /** The first refusal, to explain it. */
  readonly firstProblem?: string;
  /** When the first job was accepted (ms since the epoch). */
  readonly firstAcceptedAt: number;
  /** From the first request to the last answer, ms. */
  readonly elapsedMs: number;
  readonly requests: number;
}

/** Jobs in one batch request, the API's maximum. */
export const BATCH_SIZE = 100;

/**
 * A job's data of exactly `bytes` bytes as JSON: `fields` plus padding, so
 * every system carries the same payload.
 *
 * @example
 * JSON.stringify(jobData(512, { n: 7 })).length; // 512
 */
export function jobData(bytes: number, fields: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const bare = JSON.stringify({ ...fields, pad: '' }).length;
  if (bare > bytes) throw new RangeError(`job data of ${bytes} bytes cannot hold ${bare} bytes of fields`);
  return { ...fields, pad: 'x'.repeat(bytes - bare) };
}

/**
 * POSTs each job on its own, `concurrency` at a time, and times each request.
 *
 * @throws BenchError with code `failed` when no job is accepted
 */
export async function postSingles(
  system: SystemUnderTest,
  queue: string,
  bodies: readonly JobBody[],
  options: { readonly concurrency: number; readonly onAnswer?: (accepted: number) => void },
): Promise<Posted> {
  const url = `${system.apiUrl}/jobs/${queue}`;
  const jobIds: (string | undefined)[] = new Array<string | undefined>(bodies.length);
  let firstAcceptedAt = 0;
  let accepted = 0;
  let firstProblem: string | undefined;
  const started = performance.now();
  const answers = await runPool(bodies.length, options.concurrency, async (index) => {
    const answer = await postJson(url, bodies[index], system.headers);
    const jobId = (answer.body as { job_id?: unknown } | undefined)?.job_id;
    if ((answer.status === 202 || answer.status === 200) && typeof jobId === 'string') {
      jobIds[index] = jobId;
      firstAcceptedAt ||= Date.now();
      options.onAnswer?.(++accepted);
    } else {
      firstProblem ??= `${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`;
    }
    return answer.ms;
  });
  return finish(queue, { jobIds, latencies: answers, firstAcceptedAt, firstProblem, started, requests: bodies.length });
}

/**
 * POSTs the jobs through `/batch` in hundreds, `concurrency` requests at a
 * time, and times each request.
 *
 * @throws BenchError with code `failed` when no job is accepted
 */
export async function postBatches(
  system: SystemUnderTest,
  queue: string,
  bodies: readonly JobBody[],
  options: { readonly concurrency: number; readonly onAnswer?: (accepted: number) => void },
): Promise<Posted> {
  const url = `${system.apiUrl}/jobs/${queue}/batch`;
  const batches = Math.ceil(bodies.length / BATCH_SIZE);
  const jobIds: (string | undefined)[] = new Array<string | undefined>(bodies.length);
  let firstAcceptedAt = 0;
  let accepted = 0;
  let firstProblem: string | undefined;
  const started = performance.now();
  const answers = await runPool(batches, options.concurrency, async (batch) => {
    const offset = batch * BATCH_SIZE;
    const answer = await postJson(url, { jobs: bodies.slice(offset, offset + BATCH_SIZE) }, system.headers);
    const results = (answer.body as { results?: unknown } | undefined)?.results;
    if (answer.status >= 200 && answer.status < 300 && Array.isArray(results)) {
      results.forEach((item: unknown, index) => {
        const jobId = (item as { ok?: unknown; job_id?: unknown } | null)?.job_id;
        if (typeof jobId === 'string') {
          jobIds[offset + index] = jobId;
          accepted++;
        } else {
          firstProblem ??= JSON.stringify(item).slice(0, 300);
        }
      });
      if (accepted > 0) firstAcceptedAt ||= Date.now();
      options.onAnswer?.(accepted);
    } else {
      firstProblem ??= `${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`;
    }
    return answer.ms;
  });
  return finish(queue, { jobIds, latencies: answers, firstAcceptedAt, firstProblem, started, requests: batches });
}

function finish(
  queue: string,
  raw: { jobIds: (string | undefined)[]; latencies: number[]; firstAcceptedAt: number; firstProblem: string | undefined; started: number; requests: number },
): Posted {
  const jobIds = raw.jobIds.filter((id): id is string => id !== undefined);
  if (jobIds.length === 0) {
    throw new BenchError(BENCH_ERROR.failed, `no job was accepted on ${queue}; the first answer: ${raw.firstProblem ?? 'none'}`);
  }
  return {
    jobIds,
    latencies: raw.latencies,
    rejected: raw.jobIds.length - jobIds.length,
    ...(raw.firstProblem === undefined ? {} : { firstProblem: raw.firstProblem }),
    firstAcceptedAt: raw.firstAcceptedAt,
    elapsedMs: performance.now() - raw.started,
    requests: raw.requests,
  };
}
