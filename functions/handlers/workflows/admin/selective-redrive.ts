import type { BodySend } from '../../../adapters/dead-letter-queue';
import { JobNotFoundError, TransitionConflictError } from '../../../core/errors';
import { JOB_STATUS, type JobMessage, type JobRecord } from '../../../core/job';
import { laneFor, type Lane } from '../../../core/lanes';
import type { QueueSettings } from '../../../core/runtime-config';
import { counted } from '../../../core/wording';
import { HttpError } from '../../http/http-error';
import type { AdminDeps } from './admin-deps';
import { releaseLetters, scanDeadLetters, type HeldLetter } from './dead-letter-scan';
import { refuseWhileMoving } from './move-task-view';

/** What a selective redrive answers. */
export interface SelectiveRedriveResult {
  readonly queue: string;
  readonly mode: 'job_ids';
  /** Each job moved and the lane it went to (its own, by priority). */
  readonly moved: readonly { readonly job_id: string; readonly lane: Lane }[];
  /** Records put back to `waiting` (a job already waiting from an interrupted redrive is not counted). */
  readonly reset: number;
}

/** One job to move: its record, the letter that carries its run, and stale copies that go with it. */
interface Move {
  readonly job: JobRecord;
  readonly message: JobMessage;
  readonly letter: HeldLetter;
  readonly duplicates: readonly HeldLetter[];
  readonly lane: Lane;
}

/**
 * `{ job_ids: [...] }` and `POST /admin/jobs/{id}/retry`: exactly those jobs
 * go back to work. The DLQ is scanned for their letters, and what else was
 * received is made visible again at once. Nothing changes unless every job is
 * in the DLQ (`404 not_in_dead_letter_queue`, listing the missing) and every
 * record can be redriven (`409 not_redrivable`). Then each record goes back to
 * `waiting` (before its message can reach a consumer), each message is sent,
 * body unchanged, to the job's own lane (by priority; on FIFO with its group
 * and a new deduplication id, so SQS does not drop it as a repeat of the
 * first send), and only then deleted from the DLQ.
 *
 * Unlike a whole-queue redrive, this one still resets the records itself: it
 * holds every letter it moves (received, invisible) from before the reset
 * until after the send, so no copy of the job can reach a consumer in
 * between, and the message it sends is a plain job message (a claim accepts
 * it because the record is `waiting` for its run) rather than a letter. If a
 * send fails, that job's letter goes back to the DLQ and its record stays
 * `waiting`: the answer lists it (`502 redrive_incomplete`), a second redrive
 * of it is accepted, and so is a whole-queue redrive, whose claim accepts a
 * letter for a `waiting` record of the same run.
 */
export async function redriveJobs(deps: AdminDeps, settings: QueueSettings, jobIds: readonly string[]): Promise<SelectiveRedriveResult> {
  const locations = deps.locate(settings);
  const dlqUrl = locations.deadLetter.url;
  await refuseWhileMoving(deps, settings, locations);
  const scan = await scanDeadLetters(deps, dlqUrl, new Set(jobIds));
  await releaseLetters(deps, dlqUrl, scan.others);
  const held = [...scan.selected.values()].flat();

  const missing = jobIds.filter((jobId) => !scan.selected.has(jobId));
  if (missing.length > 0) {
    await releaseLetters(deps, dlqUrl, held);
    const where = scan.exhausted ? 'the dead-letter queue' : `the first ${counted(scan.others.length + held.length, 'message')} of the dead-letter queue`;
    throw new HttpError(404, 'not_in_dead_letter_queue', `${counted(missing.length, 'job')} of the ${jobIds.length} named ${missing.length === 1 ? 'is' : 'are'} not in ${where} of "${settings.name}"; nothing was moved`, {
      missing,
    });
  }

  let plan: { moves: Move[]; stale: HeldLetter[] };
  try {
    plan = await planMoves(deps, settings, scan.selected);
  } catch (error) {
    await releaseLetters(deps, dlqUrl, held);
    throw error;
  }
  await releaseLetters(deps, dlqUrl, plan.stale);

  const now = deps.clock.now();
  let reset = 0;
  try {
    for (const move of plan.moves) {
      if (move.job.status !== JOB_STATUS.failed) continue;
      await deps.store.resetForRedrive(move.job.jobId, now);
      reset += 1;
    }
  } catch (error) {
    // A record changed under us: nothing was sent, so every letter goes back as it was.
    await releaseLetters(deps, dlqUrl, plan.moves.flatMap((move) => [move.letter, ...move.duplicates]));
    if (error instanceof TransitionConflictError || error instanceof JobNotFoundError) {
      throw new HttpError(409, 'changed_meanwhile', `a job changed during the redrive (${error.message}); nothing was moved, try again`);
    }
    throw error;
  }

  const failed = await sendMoves(deps, settings, plan.moves, now);
  const sent = plan.moves.filter((move) => !failed.has(move.job.jobId));
  await deps.queues.delete(
    dlqUrl,
    sent.flatMap((move) => [move.letter, ...move.duplicates].map((copy) => copy.letter.receiptHandle)),
  );
  const unsent = plan.moves.filter((move) => failed.has(move.job.jobId));
  await releaseLetters(deps, dlqUrl, unsent.flatMap((move) => [move.letter, ...move.duplicates]));

  const moved = sent.map((move) => ({ job_id: move.job.jobId, lane: move.lane }));
  deps.logger.info('jobs redriven', { queue: settings.name, moved: moved.length, reset, unsent: unsent.length });
  if (unsent.length > 0) {
    throw new HttpError(502, 'redrive_incomplete', `${counted(unsent.length, 'job')} could not be sent back and ${unsent.length === 1 ? 'stays' : 'stay'} in the dead-letter queue; redrive again`, {
      moved,
      failed: unsent.map((move) => ({ job_id: move.job.jobId, ...failed.get(move.job.jobId) })),
    });
  }
  return { queue: settings.name, mode: 'job_ids', moved, reset };
}

/**
 * Checks every job before anything changes: its record is this queue's and is
 * failed (or waiting, left so by an interrupted redrive), and one of its
 * letters carries the record's run (others are stale runs, which a claim would
 * refuse: they are released).
 */
async function planMoves(
  deps: AdminDeps,
  settings: QueueSettings,
  selected: ReadonlyMap<string, readonly HeldLetter[]>,
): Promise<{ moves: Move[]; stale: HeldLetter[] }> {
  const moves: Move[] = [];
  const stale: HeldLetter[] = [];
  const refused: { job_id: string; status: string; reason: string }[] = [];
  for (const [jobId, letters] of selected) {
    const job = await deps.store.get(jobId);
    const current = letters.filter((held) => held.message !== undefined && held.message.runId === job?.runId);
    const [letter, ...duplicates] = current;
    if (job === undefined || job.queue !== settings.name) {
      refused.push({ job_id: jobId, status: job?.status ?? 'missing', reason: job === undefined ? 'the job record is gone (expired or cleaned)' : `the job belongs to queue "${job.queue}"` });
    } else if (job.status !== JOB_STATUS.failed && job.status !== JOB_STATUS.waiting) {
      refused.push({ job_id: jobId, status: job.status, reason: `the job is ${job.status}, not failed` });
    } else if (letter?.message === undefined) {
      refused.push({ job_id: jobId, status: job.status, reason: 'its dead letters belong to an earlier run of the id' });
    } else {
      moves.push({ job, message: letter.message, letter, duplicates, lane: laneFor(settings, letter.message.priority) });
      stale.push(...letters.filter((held) => !current.includes(held)));
    }
  }
  if (refused.length > 0) {
    throw new HttpError(409, 'not_redrivable', `${refused.length} of the jobs cannot be redriven; nothing was moved`, { refused });
  }
  return { moves, stale };
}

/** Sends each move to its lane; resolves to the refusals by job id. */
async function sendMoves(
  deps: AdminDeps,
  settings: QueueSettings,
  moves: readonly Move[],
  now: Date,
): Promise<Map<string, { code: string; message: string }>> {
  const failed = new Map<string, { code: string; message: string }>();
  const lanes = deps.locate(settings).lanes;
  for (const lane of lanes) {
    const batch = moves.filter((move) => move.lane === lane.lane);
    if (batch.length === 0) continue;
    const sends: BodySend[] = batch.map((move) => ({
      body: move.letter.letter.body,
      groupId: move.message.groupId ?? move.message.jobId,
      deduplicationId: `${move.message.runId}-redrive-${now.getTime()}`,
    }));
    for (const refusal of await deps.deadLetters.sendBodies(lane.url, sends)) {
      const move = batch[refusal.index];
      if (move !== undefined) failed.set(move.job.jobId, { code: refusal.code, message: refusal.message });
    }
  }
  return failed;
}
