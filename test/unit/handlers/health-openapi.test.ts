import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { HealthSnapshotStore } from '../../../functions/adapters/health-snapshot-store';
import { buildOpenApiDocument } from '../../../functions/core/openapi';
import { queueSettingsOf } from '../../../functions/core/runtime-config';
import { createHealthHandler } from '../../../functions/handlers/factories/health-api';
import { queueDirectory } from '../../../functions/handlers/workflows/queue-directory';
import { FIXED_NOW, aQueueDefinition, anApiGatewayEvent } from '../../helpers/factories';

/** Every read or write the handler makes: none is expected for the document. */
function aHealthHandler() {
  const calls: string[] = [];
  const record = (name: string) => async () => {
    calls.push(name);
    throw new Error(`${name} must not be called`);
  };
  const snapshots: HealthSnapshotStore = { read: record('snapshot read'), takeLease: record('lease'), write: record('snapshot write') };
  const settings = [queueSettingsOf(aQueueDefinition({ name: 'payments', dataSchema: 'payment-intent' })), queueSettingsOf(aQueueDefinition({ name: 'reports' }))];
  const handler = createHealthHandler({
    settings,
    logger: new Logger({ serviceName: 'health', logLevel: 'SILENT' }),
    snapshots,
    queues: { depth: record('depth') },
    metrics: { totalsSince: record('metrics') },
    census: { failedNow: record('failed count'), delayedInStore: record('delayed count') },
    pauses: { pausedQueues: record('pauses') },
    directory: queueDirectory(settings, 'https://sqs.local/000000000000', 'test'),
    clock: { now: () => FIXED_NOW, sleep: async () => undefined },
    queueUrlBase: 'https://sqs.local/000000000000',
    prefix: 'test',
    // As the deployed function reads the shipped file: once per instance, counted.
    openApiDocument: () => {
      calls.push('document read');
      return JSON.stringify(buildOpenApiDocument({ queues: settings }));
    },
  });
  const call = async () =>
    (await handler(anApiGatewayEvent({ httpMethod: 'GET', resource: '/openapi.json', path: '/openapi.json', apiKeyId: null }), {} as Context)) as APIGatewayProxyResult;
  return { call, calls };
}

describe('GET /openapi.json', () => {
  it('serves the OpenAPI 3.1 document of the queues it knows, cacheable, read once and nothing else read', async () => {
    // Prepare
    const api = aHealthHandler();

    // Act
    const first = await api.call();
    const second = await api.call();

    // Assess
    expect(first.statusCode).toBe(200);
    expect(first.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' });
    const document = JSON.parse(first.body) as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/jobs/{id}', '/jobs/payments', '/jobs/payments/batch', '/admin/queues']));
    expect(Object.keys(document.paths)).not.toContain('/jobs/reports');
    expect(document.components.schemas).toHaveProperty(['Data.payment-intent']);
    expect(second.body).toBe(first.body);
    expect(api.calls).toEqual(['document read']);
  });
});
