import type { DeadLetterMessage } from '../../../adapters/dead-letter-queue';
import type { JobMessage } from '../../../core/job';
import { jobMessageSchema } from '../../../core/job-message';
import type { AdminDeps } from './admin-deps';

/** How long a scan hides what it received: long enough to finish the move, short enough to recover from a crash. */
export const HOLD_SECONDS = 120;

/** A scan reads at most this many messages looking for the jobs asked for. */
export const MAX_SCAN = 1000;

/** A received dead letter with its job message (when the body is one). */
export interface HeldLetter {
  readonly letter: DeadLetterMessage;
  readonly jobId?: string;
  readonly message?: JobMessage;
}

/** What a scan found. */
export interface DeadLetterScan {
  /** Letters of the jobs asked for, by job id. */
  readonly selected: ReadonlyMap<string, readonly HeldLetter[]>;
  /** Everything else it received (to be released at once). */
  readonly others: readonly HeldLetter[];
  /** True when the queue ran out before the scan limit. */
  readonly exhausted: boolean;
}

/** The job message in a dead letter's body, if it is one. */
export function heldLetterOf(letter: DeadLetterMessage): HeldLetter {
  let message: JobMessage | undefined;
  try {
    const parsed = jobMessageSchema.safeParse(JSON.parse(letter.body));
    message = parsed.success ? (parsed.data as JobMessage) : undefined;
  } catch {
    message = undefined;
  }
  const jobId = letter.jobId ?? message?.jobId;
  return { letter, ...(jobId === undefined ? {} : { jobId }), ...(message === undefined ? {} : { message }) };
}

/**
 * Receives from a dead-letter queue until every wanted job's letter is held,
 * the queue has nothing more to give, or {@link MAX_SCAN} messages were read.
 * What it receives stays hidden for {@link HOLD_SECONDS}; the caller releases
 * what it does not move.
 *
 * On a FIFO dead-letter queue SQS hands out one group's messages in order
 * only: a wanted letter behind another letter of its group is found only
 * when that one is selected too.
 */
export async function scanDeadLetters(deps: AdminDeps, queueUrl: string, wanted: ReadonlySet<string>): Promise<DeadLetterScan> {
  const selected = new Map<string, HeldLetter[]>();
  const others: HeldLetter[] = [];
  let read = 0;
  let exhausted = false;
  while (read < MAX_SCAN && [...wanted].some((jobId) => !selected.has(jobId))) {
    const letters = await deps.deadLetters.receive(queueUrl, { max: 10, visibilitySeconds: HOLD_SECONDS, waitSeconds: 1 });
    if (letters.length === 0) {
      exhausted = true;
      break;
    }
    read += letters.length;
    for (const held of letters.map(heldLetterOf)) {
      if (held.jobId !== undefined && wanted.has(held.jobId)) selected.set(held.jobId, [...(selected.get(held.jobId) ?? []), held]);
      else others.push(held);
    }
  }
  return { selected, others, exhausted };
}

/** Makes held letters visible again at once. */
export async function releaseLetters(deps: AdminDeps, queueUrl: string, letters: readonly HeldLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await deps.queues.changeVisibility(
    queueUrl,
    letters.map((held) => ({ receiptHandle: held.letter.receiptHandle, seconds: 0 })),
  );
}
