import type { IngestJobStore } from '../../adapters/job-store';
import { TransitionConflictError } from '../../core/errors';
import { JOB_STATUS } from '../../core/job';
import { logLeftToReconciler, recordPlanned, type AcceptDeps, type Acceptance, type PendingSend, type PlannedJob } from './accept-job';
import { sendByLane, unsentFields } from './send-by-lane';

/** What accepting a request's jobs needs: the ingest's store, which can also give a job its schedule entry. */
export type IngestAcceptDeps = Omit<AcceptDeps, 'store'> & { readonly store: IngestJobStore };

/**
 * Whether a planned job may be recorded without a schedule entry: an
 * immediate job on a standard queue with no dedup key (its id is new, so
 * nothing else may claim it), and not an inbound callback's raw text. That is
 * nearly all traffic.
 */
export function mayGoUnindexed(planned: PlannedJob): boolean {
  const { newJob, send } = planned;
  return (
    send !== undefined &&
    send.job.delaySeconds === 0 &&
    newJob.status === JOB_STATUS.waiting &&
    newJob.dedupKey === undefined &&
    newJob.dedupAcrossFinished !== true &&
    newJob.message.groupId === undefined &&
    newJob.message.raw === undefined
  );
}

/** One job's outcome: accepted (or a duplicate), or the error that stopped it. */
export type AcceptOutcome = { readonly ok: true; readonly acceptance: Acceptance } | { readonly ok: false; readonly error: unknown };

/**
 * Accepts the planned jobs of one request, in order: each is recorded, then
 * sent, batched per lane, in the request's order (a FIFO group's jobs run in
 * the order sent). Those that may go unindexed ({@link mayGoUnindexed})
 * are recorded with no schedule entry and their messages marked so (`JobMessage.unindexed`),
 * two or more of them in batch writes (`IngestJobStore.createUnindexed`):
 * SQS holds a message until a claim settles it, so the entry's two index
 * writes (at create and at finish), a job's largest cost after its own
 * three, buy nothing while the send succeeds. Should a send fail, the job
 * gets its entry then (`markEnqueued`), and the reconciler sends it; should
 * that fail too, the job is refused (the caller may retry it), and its
 * record stays behind unsent. The rest keep their entry from the start.
 *
 * @example
 * const outcomes = await acceptPlanned(deps, [planJob(deps, settings, request, correlationId, partner)]);
 */
export async function acceptPlanned(deps: IngestAcceptDeps, planned: readonly PlannedJob[]): Promise<AcceptOutcome[]> {
  const outcomes = new Array<AcceptOutcome>(planned.length);
  const recorded: { index: number; send: PendingSend; unindexed: boolean }[] = [];
  const entries = planned.map((job, index) => ({ index, job: mayGoUnindexed(job) ? unindexedJob(job) : job }));
  const isUnindexed = (entry: { job: PlannedJob }) => entry.job.newJob.unindexed === true;
  // Two or more go in batch writes; a lone one keeps the single put.
  const unindexed = entries.filter(isUnindexed);
  const together = unindexed.length >= 2 ? unindexed : [];
  const alone = together.length === 0 ? entries : entries.filter((entry) => !isUnindexed(entry));
  const record = (entry: { index: number; job: PlannedJob }, acceptance: Acceptance, send: PendingSend | undefined) => {
    outcomes[entry.index] = { ok: true, acceptance };
    if (send !== undefined) recorded.push({ index: entry.index, send, unindexed: isUnindexed(entry) });
  };
  const recordTogether = async (): Promise<void> => {
    if (together.length === 0) return;
    // A store that throws fails them all alike.
    const failures: unknown[] = await deps.store.createUnindexed(together.map((entry) => entry.job.newJob)).catch((error: unknown) => together.map(() => error));
    together.forEach((entry, position) => {
      const failure = failures[position];
      if (failure === undefined) record(entry, entry.job.acceptance, entry.job.send);
      else outcomes[entry.index] = { ok: false, error: failure };
    });
  };
  await Promise.all([
    recordTogether(),
    ...alone.map(async (entry) => {
      try {
        const { acceptance, send } = await recordPlanned(deps, entry.job);
        record(entry, acceptance, send);
      } catch (error) {
        outcomes[entry.index] = { ok: false, error };
      }
    }),
  ]);
  // In the request's order, whichever record landed first: a FIFO group's jobs run in the order sent.
  recorded.sort((a, b) => a.index - b.index);
  // One send for all, with an entry or without: each lane gets its batches once.
  const unsent = await sendByLane(deps, recorded.map((entry) => entry.send));
  await Promise.all(
    [...unsent].map(async ([position, reason]) => {
      const entry = recorded[position];
      if (entry === undefined) return;
      const { jobId, runId } = entry.send.job.message;
      if (!entry.unindexed) {
        logLeftToReconciler(deps, jobId, reason);
        return;
      }
      try {
        await deps.store.markEnqueued(jobId, runId, deps.clock.now());
        deps.logger.warn('send failed; the reconciler will enqueue the job', { job_id: jobId, ...unsentFields(reason) });
      } catch (error) {
        // Claimed already: the send that seemed to fail did reach SQS (its answer was lost).
        if (error instanceof TransitionConflictError) return;
        deps.logger.error('send failed and the job could not be kept for the reconciler: refused', { job_id: jobId, error: error as Error });
        outcomes[entry.index] = { ok: false, error };
      }
    }),
  );
  return outcomes;
}

/** The job recorded with no schedule entry, its message marked so. */
function unindexedJob(planned: PlannedJob): PlannedJob {
  const message = { ...planned.newJob.message, unindexed: true as const };
  const newJob = { ...planned.newJob, message, unindexed: true };
  return planned.send === undefined ? { ...planned, newJob } : { ...planned, newJob, send: { url: planned.send.url, job: { ...planned.send.job, message } } };
}
