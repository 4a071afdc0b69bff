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
   * Sparse index of jobs that still need a send: `sched_pk` is
   * `DELAYED#<shard>` for jobs the sweeper enqueues when due, `PENDING#<shard>`
   * for jobs sent (or to be sent) but not claimed yet; `sched_at` is epoch ms.
   */
  scheduleIndex: { name: 'schedule', partitionKey: 'sched_pk', sortKey: 'sched_at' },
  /** Schedule keys are spread over this many shards so one index partition never runs hot. */
  scheduleShards: 4,
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
  delayedPrefix: 'DELAYED#',
  pendingPrefix: 'PENDING#',
  metricsPrefix: 'METRICS#',
  minuteSortKeyPrefix: 'M#',
  hourSortKeyPrefix: 'H#',
} as const;

/** Attributes the operations routes write on a job's state item. */
export const ADMIN_ATTRIBUTE = {
  /** When the job's dead-letter message was purged, ISO 8601: it cannot be redriven any more. */
  dlqPurgedAt: 'dlq_purged_at',
} as const;
