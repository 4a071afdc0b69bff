import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { partnerCall } from '../../e2e/support/e2e-context';
import { acceptBatch } from '../support/accept';
import { reconcile, type AcceptedJob, type FinalState } from '../support/reconcile';
import { dataFor } from '../../helpers/job-data';

/**
 * Jobs in the mixed load: `FAULTS_LOAD` (e.g. the 10,000), else 1,000,
 * which fits the suite in about four minutes on two cores beside the other
 * cases (2,000 took five minutes for this case alone).
 */
export const MIXED_LOAD = Number(process.env.FAULTS_LOAD ?? 1000);

/** The load's queues: laned and plain, deduplicating and not, with and without a rate limit. */
const QUEUES = ['payments', 'webhooks', 'credit-score-calculation'] as const;
const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

/** This run's mark on the payment intent ids, so a later run's payments are new jobs. */
const RUN = randomUUID().slice(0, 8);

/** What job `index` of the load asks for, and how it should end. */
function planOf(index: number): { body: Record<string, unknown>; expect: FinalState; cancel: boolean } {
  const kind = index % 20;
  const priority = PRIORITIES[index % PRIORITIES.length];
  if (kind < 2) return { body: { data: { n: index, respond: [503, 200] }, priority }, expect: 'completed', cancel: false };
  if (kind === 2) return { body: { data: { n: index, respond: [400] }, priority }, expect: 'failed', cancel: false };
  if (kind === 3) return { body: { data: { n: index }, priority, delay: 120_000 }, expect: 'cancelled', cancel: true };
  return { body: { data: { n: index }, priority }, expect: 'completed', cancel: false };
}

/**
 * A mixed load across queues: most jobs succeed at once, a tenth after one
 * 503, one in twenty is refused (400) and fails, one in twenty is delayed and
 * cancelled; with every priority. Everything reconciles exactly.
 */
export async function mixedLoad(): Promise<void> {
  // Prepare
  const jobs: AcceptedJob[] = [];
  const toCancel: string[] = [];

  // Act
  await Promise.all(
    QUEUES.map(async (queue, queueIndex) => {
      const indices = Array.from({ length: MIXED_LOAD }, (_, index) => index).filter((index) => index % QUEUES.length === queueIndex);
      const plans = indices.map(planOf);
      const ids = await acceptBatch(
        queue,
        plans.map((plan, at) => {
          // The queue's data schema's fields, each payment its own intent (payments deduplicate by intentId).
          const data = dataFor(queue, { ...(plan.body.data as object), ...(queue === 'payments' ? { intentId: `mixed-${RUN}-${indices[at]}` } : {}) });
          return queue === 'payments' || queue === 'webhooks' ? { ...plan.body, data } : { ...plan.body, data, priority: undefined };
        }),
      );
      expect(ids.length).toBe(plans.length);
      ids.forEach((jobId, index) => {
        const plan = plans[index];
        if (plan?.cancel) toCancel.push(jobId);
        jobs.push({ jobId, queue, expect: plan?.expect ?? 'completed' });
      });
    }),
  );
  for (const jobId of toCancel) {
    const answer = await partnerCall(`/jobs/${jobId}`, { method: 'DELETE' });
    expect(answer.status, `cancel of ${jobId}: ${JSON.stringify(answer.json)}`).toBe(200);
  }

  // Assess
  const result = await reconcile(jobs, { timeoutMs: 240_000 });
  expect(result.problems).toEqual([]);
  expect(result.accepted).toBe(MIXED_LOAD);
  expect(result.cancelled).toBe(toCancel.length);
}
