import { catalog } from '../../../lib/catalog';
import type { CatalogOverrides } from '../../e2e/support/project-copy';

/** Every schedule (sweeper, reconciler, stuck detector) fires this often. */
export const SCHEDULE_EVERY_MS = 5_000;

/** A job unclaimed this long is sent again by the reconciler (the shortest the stack accepts). */
export const RECONCILE_AFTER_SECONDS = 30;

/** Every job's timeout in the suite's catalog: its lease is this plus the consumer's 30 s margin. */
export const JOB_TIMEOUT_MS = 10_000;

/**
 * Queues' visibility timeouts are cut to this (time compression: a batch whose
 * consumer died comes back in under a minute, not after 40), kept above the
 * lease (timeout + 30 s margin) so that a running batch never comes back while
 * it runs only because of the compression.
 */
export const VISIBILITY_CAP_SECONDS = 45;

/** The queue whose backoff is short enough to spend 25 attempts within the suite. */
export const FAST_BACKOFF_QUEUE = 'order-routing';

/** What every queue of the suite's catalog changes: a 10 s timeout, and the shortest reconcile threshold. */
const EVERY_QUEUE = { timeoutMs: JOB_TIMEOUT_MS, reconcileAfterSeconds: RECONCILE_AFTER_SECONDS } as const;

/**
 * The suite's catalog: every queue with {@link EVERY_QUEUE} (a queue's own
 * reconcile threshold otherwise defaults to its consumer's function timeout,
 * minutes); one with a fixed 1 s backoff.
 */
export const CATALOG_OVERRIDES: CatalogOverrides = {
  ...Object.fromEntries(catalog.map((entry) => [entry.name, EVERY_QUEUE])),
  [FAST_BACKOFF_QUEUE]: { ...EVERY_QUEUE, backoff: { type: 'fixed', delayMs: 1000, jitter: 0 } },
};
