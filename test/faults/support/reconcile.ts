import { setTimeout as sleep } from 'node:timers/promises';
import { adminApi, e2eCloud, partnerCall } from '../../e2e/support/e2e-context';
import type { TargetDelivery } from '../../e2e/support/scripted-target';
import { lettersByJob } from './fault-context';

/** The states a job ends in. */
export const FINAL_STATES = ['completed', 'failed', 'cancelled'] as const;

/** One of {@link FINAL_STATES}. */
export type FinalState = (typeof FINAL_STATES)[number];

/** A job the API accepted (`202`), with the final state(s) its case allows. */
export interface AcceptedJob {
  readonly jobId: string;
  readonly queue: string;
  readonly expect: FinalState | readonly FinalState[];
}

/** What reconciliation found: the counts, and every broken promise in words. */
export interface Reconciliation {
  readonly accepted: number;
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  /** Final states by job id. */
  readonly states: ReadonlyMap<string, string>;
  /** Empty when every promise held; each entry names the job and what broke. */
  readonly problems: readonly string[];
}

/** How many job reads run at once: each long-polls, holding a job-status instance. */
const READS_AT_ONCE = 4;

/** How long each read waits for a final state, in seconds. */
const READ_WAIT_SECONDS = 5;

/**
 * Reads each job until it is final or the time is up (long-polling, so a job
 * still running costs one read every few seconds); returns the last status
 * seen of each.
 */
async function untilFinal(jobs: readonly AcceptedJob[], timeoutMs: number): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  const deadline = Date.now() + timeoutMs;
  const queue = [...jobs];
  const reader = async (): Promise<void> => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      for (;;) {
        const wait = Date.now() < deadline ? READ_WAIT_SECONDS : 0;
        const answer = await partnerCall(`/jobs/${job.jobId}${wait > 0 ? `?wait=${wait}` : ''}`);
        const status = answer.status === 200 ? String(answer.json.status) : `http ${answer.status}`;
        states.set(job.jobId, status);
        if ((FINAL_STATES as readonly string[]).includes(status) || Date.now() > deadline) break;
        if (answer.status !== 200) await sleep(1000);
      }
    }
  };
  await Promise.all(Array.from({ length: READS_AT_ONCE }, reader));
  return states;
}

/** Every job id in a queue's failed index, with its category. */
async function failedIndex(queue: string): Promise<Map<string, string>> {
  const listed = new Map<string, string>();
  let cursor: string | undefined;
  do {
    const page = await adminApi().request('GET', `/admin/queues/${queue}/failed`, { query: { limit: '100', ...(cursor === undefined ? {} : { cursor }) } });
    if (page.status !== 200) throw new Error(`failed listing of ${queue}: ${page.status} ${JSON.stringify(page.body)}`);
    for (const job of page.body.jobs as { job_id: string; category: string }[]) listed.set(job.job_id, job.category);
    cursor = typeof page.body.next_cursor === 'string' ? page.body.next_cursor : undefined;
  } while (cursor !== undefined);
  return listed;
}

/** Everything the scripted target received, by job id. */
async function deliveriesByJob(): Promise<Map<string, TargetDelivery[]>> {
  const response = await fetch(`${e2eCloud().targetUrl}/_deliveries`);
  const all = (await response.json()) as TargetDelivery[];
  const byJob = new Map<string, TargetDelivery[]>();
  for (const delivery of all) byJob.set(delivery.jobId, [...(byJob.get(delivery.jobId) ?? []), delivery]);
  return byJob;
}

const isSuccess = (delivery: TargetDelivery): boolean => delivery.answered === true && delivery.status !== undefined && delivery.status >= 200 && delivery.status < 300;

/**
 * Exact reconciliation of a case: every accepted job final (within
 * `timeoutMs`) and in a state its case allows; each completed job's run
 * answered `2xx` by the target exactly once and never delivered after that;
 * no failed or cancelled job ever answered `2xx`; each failed job in its
 * queue's failed index with exactly one letter in its DLQ, and no other job
 * there or lettered; and accepted = completed + failed + cancelled.
 *
 * @example
 * const result = await reconcile(jobs, { timeoutMs: 90_000 });
 * expect(result.problems).toEqual([]);
 */
export async function reconcile(jobs: readonly AcceptedJob[], options: { readonly timeoutMs: number }): Promise<Reconciliation> {
  const problems: string[] = [];
  const states = await untilFinal(jobs, options.timeoutMs);
  const count = (state: FinalState): number => jobs.filter((job) => states.get(job.jobId) === state).length;
  for (const job of jobs) {
    const state = states.get(job.jobId) ?? 'unread';
    const allowed: readonly string[] = typeof job.expect === 'string' ? [job.expect] : job.expect;
    if (!(FINAL_STATES as readonly string[]).includes(state)) problems.push(`${job.jobId} (${job.queue}) is still ${state} after ${options.timeoutMs} ms`);
    else if (!allowed.includes(state)) problems.push(`${job.jobId} (${job.queue}) ended ${state}, expected ${allowed.join(' or ')}`);
  }

  const deliveries = await deliveriesByJob();
  for (const job of jobs) {
    const state = states.get(job.jobId);
    const own = deliveries.get(job.jobId) ?? [];
    const successes = own.filter(isSuccess);
    if (state === 'completed' && successes.length !== 1) problems.push(`${job.jobId} (${job.queue}) completed, and the target answered 2xx ${successes.length} times`);
    if (state !== 'completed' && successes.length > 0) problems.push(`${job.jobId} (${job.queue}) is ${String(state)}, yet the target answered 2xx ${successes.length} times`);
    const done = successes[0]?.answeredAt;
    if (done !== undefined) {
      const after = own.filter((delivery) => delivery.at > done);
      if (after.length > 0) problems.push(`${job.jobId} (${job.queue}) was delivered ${after.length} more time(s) after it completed (attempts ${after.map((d) => d.attempt).join(', ')})`);
    }
  }

  const queues = [...new Set(jobs.map((job) => job.queue))];
  for (const queue of queues) {
    const ofQueue = jobs.filter((job) => job.queue === queue);
    const [listed, letters] = await Promise.all([failedIndex(queue), lettersByJob(queue)]);
    for (const job of ofQueue) {
      const state = states.get(job.jobId);
      const inIndex = listed.has(job.jobId);
      const lettered = letters.get(job.jobId) ?? 0;
      if (state === 'failed') {
        if (!inIndex) problems.push(`${job.jobId} (${queue}) failed but is not in the failed index`);
        if (lettered !== 1) problems.push(`${job.jobId} (${queue}) failed with ${lettered} letters in its DLQ, not 1`);
      } else {
        if (inIndex) problems.push(`${job.jobId} (${queue}) is ${String(state)} but listed in the failed index`);
        if (lettered !== 0) problems.push(`${job.jobId} (${queue}) is ${String(state)} but has ${lettered} letter(s) in its DLQ`);
      }
    }
  }

  const result = { accepted: jobs.length, completed: count('completed'), failed: count('failed'), cancelled: count('cancelled') };
  if (result.accepted !== result.completed + result.failed + result.cancelled) {
    problems.push(`accepted ${result.accepted} ≠ completed ${result.completed} + failed ${result.failed} + cancelled ${result.cancelled}`);
  }
  return { ...result, states, problems };
}
