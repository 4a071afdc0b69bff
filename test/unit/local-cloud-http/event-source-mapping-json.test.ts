import { describe, expect, it } from 'vitest';
import {
  functionNameOf,
  mappingJson,
  namesFunction,
  parseMappingChange,
  transitionState,
  type MappingState,
} from '../../../local/cloud/http/event-source-mapping-json';

const mapping: MappingState = {
  uuid: '1a2b3c4d-0000-4000-8000-000000000001',
  functionName: 'jobs-consumer-email',
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:jobs-consumer-email',
  eventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:jobs-email',
  enabled: true,
  batchSize: 10,
  maximumBatchingWindowInSeconds: 0,
  maximumConcurrency: 5,
  reportBatchItemFailures: true,
  lastModified: new Date('2024-05-06T10:00:00.500Z'),
};

describe('event source mapping JSON', () => {
  it("answers in Lambda's EventSourceMappingConfiguration shape", () => {
    expect(mappingJson(mapping)).toEqual({
      UUID: mapping.uuid,
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      EventSourceArn: mapping.eventSourceArn,
      FunctionArn: mapping.functionArn,
      LastModified: 1714989600.5,
      State: 'Enabled',
      StateTransitionReason: 'USER_INITIATED',
      ScalingConfig: { MaximumConcurrency: 5 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceMappingArn: `arn:aws:lambda:us-east-1:000000000000:event-source-mapping:${mapping.uuid}`,
    });
    expect(mappingJson({ ...mapping, enabled: false, maximumConcurrency: undefined, reportBatchItemFailures: false })).toMatchObject({
      State: 'Disabled',
      FunctionResponseTypes: [],
    });
  });

  it('reports the transition an update starts', () => {
    expect(transitionState(mapping, { enabled: false })).toBe('Disabling');
    expect(transitionState({ ...mapping, enabled: false }, { enabled: true })).toBe('Enabling');
    expect(transitionState(mapping, { batchSize: 5 })).toBe('Updating');
  });

  it('answers Updating, as Lambda does, to a pause of a mapping already disabled or a resume of one already enabled', () => {
    expect(transitionState({ ...mapping, enabled: false }, { enabled: false })).toBe('Updating');
    expect(transitionState(mapping, { enabled: true })).toBe('Updating');
  });

  it('reads a FunctionName filter as a name, a partial ARN or an ARN; a qualified one names only the alias', () => {
    expect(namesFunction('jobs-consumer-email', mapping)).toBe(true);
    expect(namesFunction('000000000000:function:jobs-consumer-email', mapping)).toBe(true);
    expect(namesFunction(mapping.functionArn, mapping)).toBe(true);
    expect(namesFunction(`${mapping.functionArn}:live`, mapping)).toBe(false);
    expect(namesFunction('jobs-consumer-sms', mapping)).toBe(false);
    expect(namesFunction('arn:aws:lambda:eu-west-1:000000000000:function:jobs-consumer-email', mapping)).toBe(false);
    expect(functionNameOf(mapping.functionArn)).toBe('jobs-consumer-email');
  });

  it("parses an update and refuses values outside Lambda's ranges or fields it would not apply", () => {
    expect(parseMappingChange({ UUID: mapping.uuid, Enabled: false, BatchSize: 5, MaximumBatchingWindowInSeconds: 2, ScalingConfig: { MaximumConcurrency: 2 } })).toEqual({
      enabled: false,
      batchSize: 5,
      maximumBatchingWindowInSeconds: 2,
      maximumConcurrency: 2,
    });
    expect(() => parseMappingChange({ BatchSize: 0 })).toThrow(
      "1 validation error detected: Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    expect(() => parseMappingChange({ ScalingConfig: { MaximumConcurrency: 1 } })).toThrow(/scalingConfig.maximumConcurrency/);
    expect(() => parseMappingChange({ FilterCriteria: {} })).toThrow(/does not apply FilterCriteria/);
  });
});
