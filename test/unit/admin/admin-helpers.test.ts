import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../functions/core/runtime-config';
import { adminConfigSchema } from '../../../functions/handlers/workflows/admin/admin-config';
import { failedQuerySchema, metricsQuerySchema } from '../../../functions/handlers/workflows/admin/admin-requests';
import { metricsSeries, windowStart } from '../../../functions/handlers/workflows/admin/metrics-series';
import { queueArn, queueLocator } from '../../../functions/handlers/workflows/admin/queue-locations';
import { queuesView } from '../../../functions/handlers/workflows/admin/queues-view';
import { fakeAdmin } from './admin-fakes';

const QUEUES = JSON.stringify([
  { name: 'payments', fifo: false, dedup: true, lanes: true, attempts: 3, maxPayloadBytes: 65536, retention: { completedHours: 24, failedHours: 360 } },
]);
const ENV = {
  TABLE_NAME: 'jobs',
  QUEUE_URL_BASE: 'https://sqs.eu-west-1.amazonaws.com/123456789012',
  QUEUE_NAME_PREFIX: 'jobs',
  QUEUES,
  QUEUE_ARN_BASE: 'arn:aws:sqs:eu-west-1:123456789012',
  CONSUMER_FUNCTIONS: JSON.stringify({ payments: 'jobs-consumer-payments' }),
};

describe('admin configuration', () => {
  it('takes the ARN base and a consumer function for every queue', () => {
    // Act
    const config = parseConfig(adminConfigSchema, ENV);

    // Assess
    expect(config.CONSUMER_FUNCTIONS).toEqual({ payments: 'jobs-consumer-payments' });
    expect(config.QUEUE_ARN_BASE).toBe('arn:aws:sqs:eu-west-1:123456789012');
  });

  it.each([
    [{ QUEUE_ARN_BASE: 'arn:aws:sqs:eu-west-1' }, 'QUEUE_ARN_BASE must be arn:<partition>:sqs:<region>:<account>'],
    [{ CONSUMER_FUNCTIONS: '{}' }, 'CONSUMER_FUNCTIONS must name a consumer function for every queue'],
    [{ CONSUMER_FUNCTIONS: 'nope' }, 'CONSUMER_FUNCTIONS must be JSON'],
  ])('names what is wrong: %j', (change, message) => {
    // Act / Assess
    expect(() => parseConfig(adminConfigSchema, { ...ENV, ...change })).toThrow(message);
  });
});

describe('queue locations', () => {
  it("builds lanes, DLQ and redrive lane from the stack's naming rule", () => {
    // Act
    const laned = queueLocator(ENV.QUEUE_URL_BASE, ENV.QUEUE_ARN_BASE, 'jobs')({ name: 'payments', fifo: false, lanes: true });
    const fifo = queueLocator(ENV.QUEUE_URL_BASE, ENV.QUEUE_ARN_BASE, 'jobs')({ name: 'order-processing', fifo: true, lanes: false });

    // Assess
    expect(laned.lanes.map((lane) => lane.name)).toEqual(['jobs-payments-urgent', 'jobs-payments-high', 'jobs-payments-normal', 'jobs-payments-low']);
    expect(laned.redriveLane).toMatchObject({ lane: 'normal', arn: 'arn:aws:sqs:eu-west-1:123456789012:jobs-payments-normal' });
    expect(laned.deadLetter.url).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012/jobs-payments-dlq');
    expect(fifo.redriveLane).toMatchObject({ lane: 'default', name: 'jobs-order-processing.fifo' });
    expect(fifo.deadLetter.arn).toBe('arn:aws:sqs:eu-west-1:123456789012:jobs-order-processing-dlq.fifo');
    expect(queueArn('arn:aws-cn:sqs:cn-north-1:123456789012:', 'q')).toBe('arn:aws-cn:sqs:cn-north-1:123456789012:q');
  });
});

describe('metricsSeries', () => {
  it('gives one point per minute of the window, zeros where nothing happened, and a mean over timed attempts', () => {
    // Prepare
    const now = new Date('2026-01-01T00:02:30Z');
    const counters = { completed: 2, failed: 1, retried: 3, dead_lettered: 1, processing_ms: 300, timed_attempts: 3 };

    // Act
    const result = metricsSeries([{ minute: '2026-01-01T00:01', ...counters }], now, 3);

    // Assess
    expect(windowStart(now, 3).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(result.from).toBe('2026-01-01T00:00:00.000Z');
    expect(result.to).toBe('2026-01-01T00:03:00.000Z');
    expect(result.series.map((point) => point.minute)).toEqual(['2026-01-01T00:00Z', '2026-01-01T00:01Z', '2026-01-01T00:02Z']);
    expect(result.series[0]).toEqual({ minute: '2026-01-01T00:00Z', completed: 0, failed: 0, retried: 0, dead_lettered: 0, mean_processing_ms: null });
    expect(result.series[1]).toMatchObject({ completed: 2, retried: 3, mean_processing_ms: 100 });
    expect(result.totals).toEqual({ completed: 2, failed: 1, retried: 3, dead_lettered: 1, mean_processing_ms: 100 });
  });
});

describe('admin query strings', () => {
  it('fills defaults and refuses what does not fit', () => {
    // Act / Assess
    expect(metricsQuerySchema.parse({})).toEqual({ minutes: 60 });
    expect(metricsQuerySchema.safeParse({ minutes: '1441' }).success).toBe(false);
    expect(metricsQuerySchema.safeParse({ minutes: '1.5' }).success).toBe(false);
    expect(failedQuerySchema.parse({ category: 'client' })).toEqual({ limit: 25, category: 'client' });
    expect(failedQuerySchema.safeParse({ category: 'boom' }).success).toBe(false);
  });
});

describe('queuesView', () => {
  it('reads each queue URL once though the shared counts and the lane breakdown both need it', async () => {
    // Prepare
    const admin = fakeAdmin();
    const reads: string[] = [];
    const depth = admin.deps.queues.depth;
    const deps = { ...admin.deps, queues: { ...admin.deps.queues, depth: async (url: string) => (reads.push(url), depth(url)) } };

    // Act
    const [view] = await queuesView(deps);

    // Assess
    expect(new Set(reads).size).toBe(reads.length);
    expect(reads).toHaveLength(5);
    expect(view).toMatchObject({ queue: 'payments', paused: false, oldest_message_age_seconds: null, consumer: { function: 'consumer-payments', mappings: 1 } });
    expect(view?.lanes.map((lane) => lane.lane)).toEqual(['urgent', 'high', 'normal', 'low']);
  });
});
