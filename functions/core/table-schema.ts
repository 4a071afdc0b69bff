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
