import { randomUUID } from 'node:crypto';
import { laneHeadroom } from '../../core/concurrency-pool';
import type { Lane } from '../../core/lanes';
import type { ConsumerDeps } from './consumer-deps';

/** Slots of the queue's concurrency pool one invocation holds for its batch. */
export interface HeldSlots {
  /** Jobs (FIFO groups) the batch may run at once; 0 when the pool stayed full. */
  readonly granted: number;
  /** Set when the pool could not be read or written: no job may start (its message comes back soon). */
  readonly failure?: Error;
  /** Gives the slots back; never throws (a slot not given back comes back when its lease ends). */
  release(): Promise<void>;
  /** Gives back all but `keep` of them; never throws. */
  shrinkTo(keep: number): Promise<void>;
}

const NOTHING_HELD = { release: async () => {}, shrinkTo: async () => {} };

/**
 * Once a batch has run this long, its idle slots are given back early when
 * its last jobs are running and another invocation waits for slots: a slow
 * target's tail would otherwise keep them from it. A fast batch ends before
 * it matters, and saves the read (and the write when someone waits).
 */
export const EARLY_RELEASE_AFTER_MS = 100;

/** How long the first idle worker waits for others to go idle before the slots are given back in one write. */
export const EARLY_RELEASE_GATHER_MS = 20;

/**
 * Gives back a batch's idle slots once, early (see
 * {@link EARLY_RELEASE_AFTER_MS}): called with the number of idle workers
 * each time one runs out of work. Answers a promise to await before the
 * batch's final release, so the two writes never cross.
 */
export function earlyRelease(deps: Pick<ConsumerDeps, 'clock'>, slots: HeldSlots, startedMs: number): { onIdle: (idle: number) => void; settled: () => Promise<void> } {
  let idleNow = 0;
  let pending: Promise<void> | undefined;
  return {
    onIdle: (idle) => {
      idleNow = idle;
      if (pending !== undefined || slots.granted < 2 || idle >= slots.granted) return;
      if (deps.clock.now().getTime() - startedMs < EARLY_RELEASE_AFTER_MS) return;
      pending = (async () => {
        await deps.clock.sleep(EARLY_RELEASE_GATHER_MS);
        if (idleNow < slots.granted) await slots.shrinkTo(slots.granted - idleNow);
      })();
    },
    settled: async () => pending,
  };
}

/** How often an invocation that found the pool full looks again (jittered: 0.5–1.5 ×). */
export const POOL_POLL_MS = 200;

/**
 * How long an invocation waits in process for a slot before it defers its
 * jobs: long enough for a short job elsewhere to finish, short enough that a
 * long wait costs a fresh message, not Lambda time.
 */
export const POOL_WAIT_MS = 5000;

/** How long a job waits when the pool stayed full for {@link POOL_WAIT_MS}. */
export const POOL_FULL_DEFER_MS = 1000;

/**
 * How long a holder's slots are leased: a crashed invocation's slots come
 * back this long after its last renewal, not after its whole function
 * timeout (a killed batch would otherwise stall its queue for minutes).
 */
export const POOL_LEASE_MS = 30_000;

/** How often a holder renews its lease while its batch runs (a batch shorter than this writes no renewal). */
export const POOL_RENEW_MS = 10_000;

/**
 * Takes up to `wanted` slots of the queue's pool for this invocation,
 * waiting up to {@link POOL_WAIT_MS} (looking every {@link POOL_POLL_MS},
 * jittered) while the pool is full. Slots are leased for
 * {@link POOL_LEASE_MS}, renewed every {@link POOL_RENEW_MS} until they are
 * given back. Without a pool (`deps.pool` left out) the batch runs one job
 * at a time and nothing is taken.
 */
export async function takeSlots(deps: ConsumerDeps, lane: Lane, wanted: number): Promise<HeldSlots> {
  const { pool, definition, clock, logger } = deps;
  if (pool === undefined || wanted === 0) return { granted: wanted === 0 ? 0 : 1, ...NOTHING_HELD };
  const token = randomUUID();
  const random = deps.random ?? Math.random;
  const request = { token, wanted, limit: definition.concurrency, headroom: laneHeadroom(definition, lane) };
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const release = async (): Promise<void> => {
    clearInterval(heartbeat);
    try {
      await pool.release(definition.name, token);
    } catch (error) {
      logger.warn('concurrency slots not given back: they come back when their lease ends', { lease_ms: POOL_LEASE_MS, error: error as Error });
    }
  };
  const shrinkTo = async (keep: number): Promise<void> => {
    try {
      if (await pool.shrink(definition.name, token, keep)) logger.debug('idle concurrency slots given back early', { kept: keep });
    } catch (error) {
      logger.warn('idle concurrency slots not given back early: they come back with the rest', { error: error as Error });
    }
  };
  const renew = async (): Promise<void> => {
    try {
      const held = await pool.renew(definition.name, token, clock.now().getTime() + POOL_LEASE_MS);
      if (!held) logger.warn('concurrency lease ran out before it was renewed: the queue may briefly run more than its concurrency');
    } catch (error) {
      logger.warn('concurrency lease not renewed: trying again', { error: error as Error });
    }
  };
  try {
    const startedMs = clock.now().getTime();
    for (;;) {
      const nowMs = clock.now().getTime();
      const granted = await pool.acquire(definition.name, { ...request, untilMs: nowMs + POOL_LEASE_MS });
      if (granted > 0) {
        heartbeat = setInterval(() => void renew(), POOL_RENEW_MS);
        heartbeat.unref();
        return { granted, release, shrinkTo };
      }
      if (nowMs - startedMs >= POOL_WAIT_MS) {
        logger.info('concurrency pool full: jobs deferred', { lane, wanted, waited_ms: nowMs - startedMs });
        return { granted: 0, ...NOTHING_HELD };
      }
      await clock.sleep(POOL_POLL_MS * (0.5 + random()));
    }
  } catch (error) {
    logger.error('concurrency pool unavailable: the batch comes back soon', { error: error as Error });
    // A write may have landed before the error: give back whatever this token holds.
    await release();
    return { granted: 0, failure: error as Error, ...NOTHING_HELD };
  }
}
