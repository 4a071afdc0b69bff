import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from './clock';

/**
 * What an adapter of one shared item needs when it writes the item
 * optimistically (read, compute, write conditional on what was read, and on
 * a collision try again with the winner's item): the rate limiter's and the
 * concurrency pool's per-queue items.
 */
export interface OptimisticItemOptions {
  readonly client: DynamoDBClient;
  /** The jobs table; the items live beside the jobs, under their own key prefix. */
  readonly tableName: string;
  /** @default Math.random - spreads the retries of writers that collided */
  readonly random?: () => number;
  /** @default systemClock - for the pause between retries, and the time they take */
  readonly clock?: Clock;
  /** @default 8 - writes tried before the writer gives up (and defers its jobs) */
  readonly maxTries?: number;
}

/** Pause between colliding writes: random up to this, doubling per retry, at most {@link COLLISION_PAUSE_MAX_MS}. */
const COLLISION_PAUSE_BASE_MS = 5;
const COLLISION_PAUSE_MAX_MS = 100;

/**
 * How long to pause after the `tries`-th write collided: random (so writers
 * that collided spread out) up to 5 ms doubling per try, at most 100 ms.
 *
 * @example
 * await clock.sleep(collisionPauseMs(Math.random, tries));
 */
export function collisionPauseMs(random: () => number, tries: number): number {
  return random() * Math.min(COLLISION_PAUSE_BASE_MS * 2 ** (tries - 1), COLLISION_PAUSE_MAX_MS);
}
