import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { systemClock } from '../../../functions/adapters/clock';
import { DynamoDbEndpointCircuit } from '../../../functions/adapters/dynamodb-endpoint-circuit';
import { DynamoDbEndpointRegistry } from '../../../functions/adapters/dynamodb-endpoint-registry';
import type { OutgoingJob, QueueClient } from '../../../functions/adapters/queue-client';
import type { Endpoint } from '../../../functions/core/endpoint';
import type { JobMessage } from '../../../functions/core/job';
import { laneFor } from '../../../functions/core/lanes';
import { endpointBreaker } from '../../../functions/handlers/workflows/endpoint-breaker';
import { createEndpointProcessor } from '../../../functions/processors/endpoint-processor';
import { generateSigningSecret } from '../../../functions/processors/webhook-signature';
import { testEnvironment } from '../../helpers/emulators';
import { readDeadLetters } from '../support/dead-letters';
import { FAST_BACKOFF, fromCatalog } from '../support/definitions';
import { TestPipeline } from '../support/pipeline';
import { TargetServer } from '../support/target-server';

const QUEUE = 'webhook-delivery';
const TIMEOUT_MS = 2000;
const COOLDOWN_SECONDS = 4;

/** A message the consumer sent back to a lane (a deferral), with when. */
interface Resent {
  readonly at: number;
  readonly job: OutgoingJob;
}

/** The real queue client, with every message the consumer sends recorded. */
function recordingSends(inner: QueueClient): QueueClient & { readonly sent: Resent[] } {
  const sent: Resent[] = [];
  return {
    sent,
    send: async (url, job) => {
      sent.push({ at: Date.now(), job });
      await inner.send(url, job);
    },
    sendBatch: (url, jobs) => inner.sendBatch(url, jobs),
    changeVisibility: (url, changes) => inner.changeVisibility(url, changes),
    moveToDeadLetter: (url, letters) => inner.moveToDeadLetter(url, letters),
    delete: (url, handles) => inner.delete(url, handles),
    backlog: (url) => inner.backlog(url),
    depth: (url) => inner.depth(url),
  };
}

describe('delivery to registered endpoints, through their circuit breakers', () => {
  const pipeline = new TestPipeline({ definitions: [fromCatalog(QUEUE, { backoff: FAST_BACKOFF, attempts: 10, timeoutMs: TIMEOUT_MS })] });
  /** The user's app: a real HTTP server that verifies each delivery with the endpoint's secret. */
  const appSecret = generateSigningSecret();
  const app = new TargetServer(appSecret);
  const circuitOpened = vi.fn();
  let appUrl = '';
  let registry: DynamoDbEndpointRegistry;
  let queues: ReturnType<typeof recordingSends>;
  let takeProbe: MockInstance<DynamoDbEndpointCircuit['takeProbe']>;

  beforeAll(async () => {
    [appUrl] = await Promise.all([app.start(), pipeline.start()]);
    const { dynamoDb } = testEnvironment();
    registry = new DynamoDbEndpointRegistry({ client: dynamoDb, tableName: pipeline.tableName, newSecret: () => appSecret });
    const circuit = new DynamoDbEndpointCircuit({ client: dynamoDb, tableName: pipeline.tableName });
    takeProbe = vi.spyOn(circuit, 'takeProbe');
    const { gate, directory } = endpointBreaker({
      registry,
      circuit,
      queue: QUEUE,
      jobTimeoutMs: TIMEOUT_MS,
      clock: systemClock,
      logger: new Logger({ serviceName: 'endpoint-breaker-test', logLevel: process.env.TEST_LOGS ? 'DEBUG' : 'SILENT' }),
      metrics: { circuitOpened },
    });
    queues = recordingSends(pipeline.queueClient);
    const processor = createEndpointProcessor({
      targetUrl: pipeline.targetUrl,
      signingSecret: pipeline.secret,
      timeoutMs: TIMEOUT_MS,
      allowLoopback: true,
      endpoints: directory,
    });
    pipeline.startConsumers(QUEUE, { overrides: { processor, endpointGate: gate, queues } });
  });
  afterAll(async () => {
    await pipeline.stop();
    await app.stop();
  });

  /** A job for the endpoint, recorded and sent to its lane as the ingest does. */
  async function enqueue(endpoint: Endpoint, data: Record<string, unknown>): Promise<JobMessage> {
    const definition = pipeline.definition(QUEUE);
    const now = new Date();
    const message: JobMessage = {
      jobId: `job-${randomUUID()}`,
      runId: `run-${randomUUID()}`,
      queue: QUEUE,
      name: 'daraja.stk_callback',
      data,
      priority: 'normal',
      partner: `user:${endpoint.userId}`,
      endpointId: endpoint.endpointId,
    };
    const lane = laneFor(definition, message.priority);
    await pipeline.store.create({
      message,
      lane,
      status: 'waiting',
      maxAttempts: definition.attempts,
      now,
      dueAt: now,
      viaSweeper: false,
      delaySeconds: 0,
      payloadBytes: Buffer.byteLength(JSON.stringify(data)),
      partner: message.partner ?? '',
    });
    await pipeline.queueClient.send(pipeline.queues[QUEUE]?.laneUrls[lane] ?? '', { message, delaySeconds: 0 });
    return message;
  }

  /** The first time the consumer deferred a job: a copy of its message sent back with a delay. */
  const deferralOf = (jobId: string) =>
    pipeline.until(`a deferral of ${jobId}`, async () => queues.sent.find((resent) => resent.job.message.jobId === jobId && (resent.job.delaySeconds ?? 0) > 0));

  const stored = async (endpointId: string): Promise<Endpoint> => {
    const endpoint = await registry.get(endpointId, { consistent: true });
    if (!endpoint) throw new Error(`no endpoint ${endpointId}`);
    return endpoint;
  };

  it('opens after the threshold of failures, defers the endpoint’s jobs before their claim, and closes on one probe after the cool-down', async () => {
    // Prepare: the app fails the first delivery of the first two jobs, and takes everything else
    const endpoint = await registry.create({ userId: 'shop-breaker', url: appUrl, circuit: { failureThreshold: 2, cooldownSeconds: COOLDOWN_SECONDS }, now: new Date() });
    app.answer((delivery) => {
      const failing = ['first', 'second'].includes((delivery.body.data as { script?: string }).script ?? '');
      const firstTry = !app.deliveries.slice(0, -1).some((earlier) => earlier.body.job_id === delivery.body.job_id);
      return failing && firstTry ? { status: 503 } : { status: 200, body: { received: true } };
    });
    const first = await enqueue(endpoint, { script: 'first' });
    const second = await enqueue(endpoint, { script: 'second' });

    // Act: the two failures open the circuit; a new job comes while it is open
    const open = await pipeline.until('the circuit to open', async () => {
      const current = await stored(endpoint.endpointId);
      return current.circuit.state === 'open' ? current : undefined;
    });
    const third = await enqueue(endpoint, { script: 'third' });
    const thirdDeferred = await deferralOf(third.jobId);
    const firstDeferred = await deferralOf(first.jobId);

    // Assess: deferred with no attempt spent, for the rest of the cool-down (not a one-second spin)
    const cooldownEndsMs = (open.circuit.openedAtMs ?? 0) + COOLDOWN_SECONDS * 1000;
    expect(await pipeline.store.get(third.jobId)).toMatchObject({ status: 'waiting', attempts: 0 });
    expect(await pipeline.store.get(first.jobId)).toMatchObject({ status: 'retrying', attempts: 1 });
    expect(app.of(third.jobId)).toEqual([]);
    for (const deferred of [thirdDeferred, firstDeferred]) expect(deferred.at + (deferred.job.delaySeconds ?? 0) * 1000).toBeGreaterThanOrEqual(cooldownEndsMs);
    expect(circuitOpened).toHaveBeenCalledWith(QUEUE);

    // Act: after the cool-down one probe goes, succeeds, and the rest follow
    await Promise.all([first, second, third].map((job) => pipeline.untilStatus(job.jobId, 'completed', 30_000)));

    // Assess
    // The two failures that opened it (the second can share the opening's millisecond); nothing else until the cool-down ended
    const [failures, rest] = [app.deliveries.slice(0, 2), app.deliveries.slice(2)];
    expect(failures.map((delivery) => (delivery.body.data as { script: string }).script).sort()).toEqual(['first', 'second']);
    expect(rest.map((delivery) => delivery.at).filter((at) => at < cooldownEndsMs)).toEqual([]);
    expect(app.deliveries.every((delivery) => delivery.verified)).toBe(true);
    expect(await pipeline.store.get(third.jobId)).toMatchObject({ attempts: 1 });
    expect(await pipeline.store.get(first.jobId)).toMatchObject({ attempts: 2 });
    const closed = await stored(endpoint.endpointId);
    expect(closed.circuit).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    expect(closed.counts).toEqual({ failures: 2, circuitOpens: 1 });
    expect(circuitOpened).toHaveBeenCalledOnce();
    const probesTaken = await Promise.all(takeProbe.mock.results.map((result) => result.value as Promise<boolean>));
    expect(probesTaken.filter(Boolean)).toHaveLength(1);
  });

  it('disables an endpoint that answers 410 Gone and fails its jobs as endpoint_disabled, later ones without a call', async () => {
    // Prepare
    const gone = new TargetServer(appSecret);
    const goneUrl = await gone.start();
    gone.answer(() => ({ status: 410 }));
    const endpoint = await registry.create({ userId: 'shop-gone', url: goneUrl, now: new Date() });

    try {
      // Act
      const first = await enqueue(endpoint, { script: 'gone' });
      const failed = await pipeline.untilStatus(first.jobId, 'failed', 20_000);
      const later = await enqueue(endpoint, { script: 'after' });
      const laterFailed = await pipeline.untilStatus(later.jobId, 'failed', 20_000);

      // Assess
      expect(failed).toMatchObject({ attempts: 1, error: { category: 'endpoint_disabled' } });
      expect(laterFailed.error).toEqual({ category: 'endpoint_disabled', message: `endpoint ${endpoint.endpointId} is disabled: it answered 410 Gone` });
      expect(gone.deliveries).toHaveLength(1);
      expect(await stored(endpoint.endpointId)).toMatchObject({ enabled: false, disabledReason: 'gone', lastFailure: { status: 410 } });
      const letters = await readDeadLetters(testEnvironment().sqs, pipeline.queues[QUEUE]?.deadLetterUrl ?? '');
      expect(letters.filter((letter) => [first.jobId, later.jobId].includes(String(letter.body.jobId))).map((letter) => letter.attributes.failure_category)).toEqual([
        'endpoint_disabled',
        'endpoint_disabled',
      ]);
    } finally {
      await gone.stop();
    }
  });
});
