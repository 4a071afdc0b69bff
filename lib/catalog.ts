import type { QueueDefinitionInput } from '../functions/core/queue-config';

/**
 * The job types this pipeline runs, one entry each. This is the file to change:
 * adding an entry adds its queues, dead-letter queue, consumer and routes.
 * Each entry is checked by `queueDefinitionSchema` (functions/core/queue-config.ts)
 * when the stack is built; a bad entry stops the build with a message naming the
 * queue, the field and the fix.
 *
 * Times are in milliseconds, except `oldestMessageAlarmSeconds`. Left out: `fifo`,
 * `dedup`, `lanes`, `endpoints` false; no `dataSchema` (any JSON data); retention 24 h completed, 15 days failed (a day past the DLQ's 14);
 * `maxPayloadBytes` 256 KiB; jitter 0.5; the oldest-message alarm at 15 minutes
 * of waiting (`oldestMessageAlarmSeconds: 900`).
 */
export const catalog: readonly QueueDefinitionInput[] = [
  {
    name: 'payments',
    description: 'Payment intents (stk_push), deduplicated by intent id',
    dataSchema: 'payment-intent',
    dedup: true,
    dedupKeyField: 'intentId',
    lanes: true,
    concurrency: 10,
    rateLimit: { max: 100, durationMs: 1000 },
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 2000 },
    timeoutMs: 30_000,
  },
  {
    name: 'webhooks',
    description: 'Inbound wallet, lemonade and M-Pesa callbacks',
    dataSchema: 'webhook-event',
    dedup: true,
    lanes: true,
    concurrency: 20,
    rateLimit: { max: 200, durationMs: 1000 },
    attempts: 5,
    backoff: { type: 'exponential', delayMs: 3000 },
    timeoutMs: 30_000,
  },
  {
    name: 'webhook-delivery',
    description: "Delivery of M-Pesa webhooks to users' apps",
    lanes: true,
    endpoints: true,
    concurrency: 10,
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 2000 },
    timeoutMs: 30_000,
    reason: "concurrency 10 for the whole queue: the seed's 5 was per worker instance, and it ran two",
  },
  {
    name: 'whatsapp-messages',
    description: 'WhatsApp notifications: confirmations, vendor notices, delivery updates, reminders',
    dataSchema: 'whatsapp-message',
    dedup: true,
    concurrency: 10,
    rateLimit: { max: 50, durationMs: 1000 },
    attempts: 5,
    backoff: { type: 'exponential', delayMs: 5000 },
    timeoutMs: 30_000,
  },
  {
    name: 'order-processing',
    description: 'Order workflow: confirm, assign vendor, update status, complete, cancel',
    dataSchema: 'order-action',
    fifo: true,
    dedup: true,
    concurrency: 5,
    rateLimit: { max: 100, durationMs: 60_000 },
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 5000 },
    timeoutMs: 120_000,
    reason: 'FIFO with group_id = order id: the steps of one order run in order, orders in parallel',
  },
  {
    name: 'order-routing',
    description: 'Routing orders to vendors, with fallback routing',
    concurrency: 3,
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 5000 },
    timeoutMs: 60_000,
  },
  {
    name: 'credit-score-calculation',
    description: 'Credit score recalculation after orders and payments',
    dedup: true,
    concurrency: 3,
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 5000 },
    timeoutMs: 90_000,
  },
  {
    name: 'payment-reminders',
    description: 'Overdue, due-soon and final-notice payment reminders',
    dedup: true,
    concurrency: 5,
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 5000 },
    timeoutMs: 30_000,
  },
  {
    name: 'report-generation',
    description: 'Credit, purchase, payment-discipline and liability reports',
    concurrency: 1,
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 5000 },
    timeoutMs: 600_000,
    memoryMb: 1024,
    deferralAllowance: 50,
    // One 10-minute report at a time: a backlog of a few reports is normal, an hour's wait is not.
    oldestMessageAlarmSeconds: 3600,
    reason:
      'one report at a time: reserved concurrency 1 under an event source mapping that polls with 2, so throttled ' +
      'receives happen; a large deferral allowance keeps them from dead-lettering a report. A single-group FIFO ' +
      'queue was the alternative, but one failing report would then hold every later one through its backoff.',
  },
  {
    name: 'image-processing',
    description: 'Image resizing and processing',
    concurrency: 2,
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 5000 },
    timeoutMs: 300_000,
    memoryMb: 1024,
  },
  {
    name: 'email',
    description: 'Transactional email',
    dataSchema: 'email',
    dedup: true,
    concurrency: 5,
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 2000 },
    timeoutMs: 30_000,
  },
  {
    name: 'manychat-sync',
    description: 'Contact, tag and field sync',
    dataSchema: 'manychat-sync',
    concurrency: 5,
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 2000 },
    timeoutMs: 30_000,
  },
  {
    name: 'qr-analytics',
    description: 'QR scan and validation analytics',
    dataSchema: 'qr-analytics',
    concurrency: 10,
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 2000 },
    timeoutMs: 30_000,
  },
  {
    name: 'data-export',
    description: 'CSV, JSON, PDF and Excel exports',
    dataSchema: 'data-export',
    concurrency: 2,
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 2000 },
    timeoutMs: 300_000,
    memoryMb: 1024,
  },
];
