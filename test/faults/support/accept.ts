import { setTimeout as sleep } from 'node:timers/promises';
import { partnerCall } from '../../e2e/support/e2e-context';

/** Tries per request: a partner retries a 5xx or 429, as the API asks. */
const TRIES = 8;

/**
 * Posts one job as partner acme and returns its id once accepted (`202`),
 * retrying 5xx and 429 answers (faults elsewhere in the suite may cause them).
 * The suite's dedup keys (payment intent ids) are new in every run, so a
 * `200 duplicate` can only name this very job, recorded by an earlier try
 * whose answer was lost: the partner has its id, and the job is held to the
 * same promise.
 */
export async function acceptJob(queue: string, body: Record<string, unknown>): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    const answer = await partnerCall(`/jobs/${queue}`, { body });
    if (answer.status === 202 || (answer.status === 200 && answer.json.duplicate === true)) return answer.json.job_id as string;
    if ((answer.status < 500 && answer.status !== 429) || attempt >= TRIES) {
      throw new Error(`job not accepted by ${queue}: ${answer.status} ${JSON.stringify(answer.json)}`);
    }
    await sleep(500 * attempt);
  }
}

/**
 * Posts jobs to a queue's batch route, 100 a request, and returns the ids of
 * the accepted ones in the order given; a job refused with a 5xx-like error is
 * posted again on its own. A request tried again after a 5xx whose jobs were
 * recorded meanwhile gets them back as duplicates: the same jobs, so their ids
 * count (see {@link acceptJob}).
 */
export async function acceptBatch(queue: string, bodies: readonly Record<string, unknown>[]): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < bodies.length; start += 100) {
    const chunk = bodies.slice(start, start + 100);
    let answer = await partnerCall(`/jobs/${queue}/batch`, { body: { jobs: chunk } });
    for (let attempt = 1; (answer.status >= 500 || answer.status === 429) && attempt < TRIES; attempt += 1) {
      await sleep(500 * attempt);
      answer = await partnerCall(`/jobs/${queue}/batch`, { body: { jobs: chunk } });
    }
    // 207: some jobs refused (an internal error is posted again below); 400 would be every job refused.
    if (answer.status !== 202 && answer.status !== 207) throw new Error(`batch not accepted by ${queue}: ${answer.status} ${JSON.stringify(answer.json).slice(0, 300)}`);
    const results = answer.json.results as { ok: boolean; job_id?: string; duplicate?: boolean; error?: { code: string } }[];
    for (const [index, result] of results.entries()) {
      if (result.ok && result.job_id !== undefined) ids.push(result.job_id);
      else if (!result.ok && result.error?.code === 'internal_error') ids.push(await acceptJob(queue, chunk[index] ?? {}));
    }
  }
  return ids;
}
