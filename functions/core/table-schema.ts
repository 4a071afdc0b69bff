/**
 * The jobs table's key layout, shared by the job store, the stack and the local
 * cloud so they cannot drift apart. One table holds job state items, payload
 * items and rate-limiter items, told apart by key prefix.
 */
export const JOBS_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds after which DynamoDB deletes the item. */
  ttlAttribute: 'expires_at',
  /**
   * Sparse index of the jobs not finished yet: `sched_pk` is `DELAYED#<shard>`
   * for jobs the sweeper enqueues when due, `PENDING#<shard>` for jobs sent (or
   * to be sent) and not yet completed, failed or cancelled, whether waiting,
   * active or retrying; `sched_at` is epoch ms (when due, or when last sent).
   * The create writes the entry, the claim keeps it, and only the finishing
   * transitions remove it, so the reconciler (waiting jobs never claimed) and
   * the stuck detector (active jobs whose holder vanished) read one index.
   *
   * It projects only the attributes a job never changes while it is in it
   * (`nonKeyAttributes`): DynamoDB writes an index entry again whenever an
   * attribute it projects changes, so with everything projected every claim,
   * retry and history append would cost an index write too. Readers filter on
   * queue and lane from the index, then read the state items they act on.
   */
  scheduleIndex: { name: 'schedule', partitionKey: 'sched_pk', sortKey: 'sched_at', nonKeyAttributes: ['job_id', 'queue', 'lane'] },
  /**
   * Schedule keys are spread over this many shards so one index partition
   * never runs hot (a partition takes about 1,000 writes a second, and every
   * job writes its schedule entry at create and removes it when it finishes).
   * The shard is the job id's hash modulo this count: raise it only to a
   * multiple of the old count, so each old shard number is still one of the
   * shards every listing reads.
   */
  scheduleShards: 32,
  /**
   * Sparse index of failed jobs whose message waits in the dead-letter queue:
   * `failed_pk` is the queue name, `failed_at` epoch ms. A job's final failure
   * sets both; a redrive reset and a DLQ purge remove them, so the index lists
   * exactly the failed jobs an operator can still put back.
   */
  failedIndex: { name: 'failed', partitionKey: 'failed_pk', sortKey: 'failed_at' },
} as const;

/** Key prefixes of the items in the jobs table. */
export const ITEM_KEY = {
  jobPrefix: 'JOB#',
  stateSortKey: 'STATE',
  payloadSortKeyPrefix: 'PAYLOAD#',
  limiterPrefix: 'LIMIT#',
  /** A queue's concurrency pool (sort key `STATE`): the slots its consumers hold (see `core/concurrency-pool.ts`). */
  poolPrefix: 'POOL#',
  delayedPrefix: 'DELAYED#',
  pendingPrefix: 'PENDING#',
  metricsPrefix: 'METRICS#',
  minuteSortKeyPrefix: 'M#',
  hourSortKeyPrefix: 'H#',
  /** The health routes' shared queue-counts snapshot (see `core/health-snapshot.ts`). */
  healthPrefix: 'HEALTH#',
  snapshotSortKey: 'SNAPSHOT',
  /** The one partition of the queues' pause items (sort key `QUEUE#<name>`), so one query reads every queue's. */
  pausePartition: 'PAUSE',
  pauseSortKeyPrefix: 'QUEUE#',
} as const;

/** Attributes the operations routes write on a job's state item. */
export const ADMIN_ATTRIBUTE = {
  /** When the job's dead-letter message was purged, ISO 8601: it cannot be redriven any more. */
  dlqPurgedAt: 'dlq_purged_at',
} as const;
