import { JOB_STATUS } from './job';

/** SQS's longest per-message delay, 15 minutes. */
export const MAX_SQS_DELAY_MS = 15 * 60 * 1000;

/** The longest delay a job may ask for: one year. */
export const MAX_DELAY_MS = 365 * 24 * 60 * 60 * 1000;

/** When a new job should run, as the request says. */
export interface DelayRequest {
  /** Milliseconds from now. */
  readonly delayMs?: number;
  /** An absolute time. */
  readonly runAt?: Date;
}

/** How a new job reaches its queue. */
export type DeliveryPlan =
  /** Send now; SQS holds the message for `delaySeconds` (0 for none). */
  | { readonly via: 'queue'; readonly status: 'waiting' | 'delayed'; readonly delaySeconds: number; readonly dueAt: Date }
  /** Keep the job in the store as `delayed`; the sweeper sends it at `dueAt`. */
  | { readonly via: 'sweeper'; readonly status: 'delayed'; readonly dueAt: Date };

/**
 * Chooses how a new job waits: SQS `DelaySeconds` on a standard queue for up to
 * 15 minutes; the store and the sweeper for longer delays, for any delay on a
 * FIFO queue (SQS has no per-message delay there), and for `run_at`.
 *
 * @example
 * planDelivery(false, { delayMs: 5000 }, now); // { via: 'queue', status: 'delayed', delaySeconds: 5, ... }
 * planDelivery(false, { delayMs: 2 * 3600_000 }, now); // { via: 'sweeper', status: 'delayed', ... }
 */
export function planDelivery(fifo: boolean, request: DelayRequest, now: Date): DeliveryPlan {
  const dueMs = request.runAt ? request.runAt.getTime() : now.getTime() + (request.delayMs ?? 0);
  const waitMs = dueMs - now.getTime();
  if (waitMs <= 0) return { via: 'queue', status: JOB_STATUS.waiting, delaySeconds: 0, dueAt: now };
  const dueAt = new Date(dueMs);
  if (fifo || request.runAt || waitMs > MAX_SQS_DELAY_MS) return { via: 'sweeper', status: JOB_STATUS.delayed, dueAt };
  return { via: 'queue', status: JOB_STATUS.delayed, delaySeconds: Math.ceil(waitMs / 1000), dueAt };
}
