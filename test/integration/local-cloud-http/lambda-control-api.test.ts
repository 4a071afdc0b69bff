import {
  GetEventSourceMappingCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLambdaControlApi, type MappingRegistry, type MappingState } from '../../../local/cloud/http/lambda-control-api';
import type { RunningServer } from '../../../local/cloud/http/http-server';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/local-aws';

const account = '000000000000';

function mapping(uuid: string, queue: string, functionName: string, enabled = true): MappingState {
  return {
    uuid,
    functionName,
    functionArn: `arn:aws:lambda:${LOCAL_REGION}:${account}:function:${functionName}`,
    eventSourceArn: `arn:aws:sqs:${LOCAL_REGION}:${account}:${queue}`,
    enabled,
    batchSize: 10,
    maximumBatchingWindowInSeconds: 0,
    maximumConcurrency: 5,
    reportBatchItemFailures: true,
    lastModified: new Date('2024-05-06T10:00:00Z'),
  };
}

/** An in-memory registry, as the local cloud's would be, that records the changes it was asked for. */
class MemoryRegistry implements MappingRegistry {
  readonly mappings = new Map<string, MappingState>();
  readonly changes: { uuid: string; change: object }[] = [];

  list(filter: { functionName?: string; eventSourceArn?: string }): MappingState[] {
    return [...this.mappings.values()].filter(
      (m) => (filter.functionName === undefined || m.functionName === filter.functionName) && (filter.eventSourceArn === undefined || m.eventSourceArn === filter.eventSourceArn),
    );
  }

  get(uuid: string): MappingState | undefined {
    return this.mappings.get(uuid);
  }

  async update(uuid: string, change: { enabled?: boolean; batchSize?: number; maximumBatchingWindowInSeconds?: number; maximumConcurrency?: number }): Promise<MappingState> {
    const before = this.mappings.get(uuid);
    if (before === undefined) throw new Error('no such mapping');
    if (change.batchSize !== undefined && change.batchSize > 10 && before.eventSourceArn.endsWith('.fifo')) {
      throw new Error('Batch size for FIFO queues cannot exceed 10.');
    }
    this.changes.push({ uuid, change });
    const after: MappingState = { ...before, ...definedOnly(change), lastModified: new Date() };
    this.mappings.set(uuid, after);
    return after;
  }
}

function definedOnly(change: object): Partial<MappingState> {
  return Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
}

describe('the local Lambda control API, through the SDK client', () => {
  const registry = new MemoryRegistry();
  let api: RunningServer;
  let lambda: LambdaClient;
  const log: string[] = [];

  beforeAll(async () => {
    api = await startLambdaControlApi({ port: 0, registry, log: (line) => log.push(line) });
    lambda = new LambdaClient({ endpoint: api.url, region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } });
  });
  beforeEach(() => {
    registry.mappings.clear();
    registry.changes.length = 0;
    for (const m of [
      mapping('0001', 'jobs-email', 'jobs-consumer-email'),
      mapping('0002', 'jobs-email-urgent', 'jobs-consumer-email'),
      mapping('0003', 'jobs-orders.fifo', 'jobs-consumer-orders', false),
    ]) {
      registry.mappings.set(m.uuid, m);
    }
  });
  afterAll(async () => {
    lambda.destroy();
    await api.stop();
  });

  it('lists mappings filtered by function name or ARN and by event source, in pages', async () => {
    const byName = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'jobs-consumer-email' }));
    const byArn = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: `arn:aws:lambda:${LOCAL_REGION}:${account}:function:jobs-consumer-orders` }));
    const bySource = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: `arn:aws:sqs:${LOCAL_REGION}:${account}:jobs-email-urgent` }));
    const firstPage = await lambda.send(new ListEventSourceMappingsCommand({ MaxItems: 2 }));
    const secondPage = await lambda.send(new ListEventSourceMappingsCommand({ MaxItems: 2, Marker: firstPage.NextMarker }));

    expect(byName.EventSourceMappings?.map((m) => m.UUID)).toEqual(['0001', '0002']);
    expect(byArn.EventSourceMappings?.map((m) => [m.UUID, m.State])).toEqual([['0003', 'Disabled']]);
    expect(bySource.EventSourceMappings?.map((m) => m.UUID)).toEqual(['0002']);
    expect(firstPage.EventSourceMappings?.map((m) => m.UUID)).toEqual(['0001', '0002']);
    expect(secondPage.EventSourceMappings?.map((m) => m.UUID)).toEqual(['0003']);
    expect(secondPage.NextMarker).toBeUndefined();
  });

  it('gets one mapping in Lambda’s shape, parsed by the SDK', async () => {
    const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: '0001' }));

    expect(got).toMatchObject({
      UUID: '0001',
      EventSourceArn: `arn:aws:sqs:${LOCAL_REGION}:${account}:jobs-email`,
      FunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${account}:function:jobs-consumer-email`,
      State: 'Enabled',
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      ScalingConfig: { MaximumConcurrency: 5 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      LastModified: new Date('2024-05-06T10:00:00Z'),
    });
  });

  it('disables and re-enables a mapping, answering with the transition and then the settled state', async () => {
    const disabling = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: '0001', Enabled: false }));
    const disabled = await lambda.send(new GetEventSourceMappingCommand({ UUID: '0001' }));
    const enabling = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: '0001', Enabled: true, BatchSize: 5, ScalingConfig: { MaximumConcurrency: 2 } }));

    expect([disabling.$metadata.httpStatusCode, disabling.State]).toEqual([202, 'Disabling']);
    expect(disabled.State).toBe('Disabled');
    expect(enabling).toMatchObject({ State: 'Enabling', BatchSize: 5, ScalingConfig: { MaximumConcurrency: 2 } });
    expect(registry.changes).toEqual([
      { uuid: '0001', change: { enabled: false } },
      { uuid: '0001', change: { enabled: true, batchSize: 5, maximumConcurrency: 2 } },
    ]);
  });

  it("answers an unknown UUID with Lambda's ResourceNotFoundException", async () => {
    const error: unknown = await lambda.send(new GetEventSourceMappingCommand({ UUID: 'missing' })).catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      Type: 'User',
      message: 'The resource you requested does not exist.',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('refuses out-of-range values and settings the registry refuses, changing nothing', async () => {
    const outOfRange: unknown = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: '0001', BatchSize: 0 })).catch((e: unknown) => e);
    const refused: unknown = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: '0003', BatchSize: 20 })).catch((e: unknown) => e);

    expect(outOfRange).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect(refused).toMatchObject({ name: 'InvalidParameterValueException', message: 'Batch size for FIFO queues cannot exceed 10.' });
    expect(registry.changes).toEqual([]);
    expect(log.some((line) => line.includes('404') && line.includes('ResourceNotFoundException'))).toBe(true);
  });
});
