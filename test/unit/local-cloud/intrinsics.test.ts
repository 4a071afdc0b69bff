import { describe, expect, it } from 'vitest';
import { IntrinsicError, PLACEHOLDER_PREFIX, resolveString, resolveValue, type UnresolvedReference } from '../../../local/cloud/intrinsics';
import { aFunction, aQueue, aTemplate, localOf, QUEUE_URL_BASE } from './template-factory';

const template = aTemplate(
  {
    Work: aQueue({ QueueName: 'work' }),
    Dlq: aQueue({ QueueName: 'work-dlq.fifo', FifoQueue: true }),
    Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'jobs' } },
    Fn: aFunction({ FunctionName: 'ingest' }),
    Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
    Optional: { Type: 'AWS::SQS::Queue', Condition: 'IsProd', Properties: { QueueName: 'prod-only' } },
  },
  {
    Parameters: { Stage: { Type: 'String', Default: 'dev' }, Zones: { Type: 'CommaDelimitedList', Default: 'a,b' } },
    Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] }, IsDev: { 'Fn::Not': [{ Condition: 'IsProd' }] } },
    Mappings: { Sizes: { dev: { memory: 256 } } },
  },
);
const { scope } = localOf(template);
const resolve = (value: unknown, unresolved?: UnresolvedReference[]): unknown => resolveValue(value, scope, unresolved);

describe('resolveValue', () => {
  it('resolves pseudo parameters to the local region and account', () => {
    // Act
    const resolved = resolve({
      'Fn::Join': ['|', [{ Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, { Ref: 'AWS::Partition' }, { Ref: 'AWS::URLSuffix' }, { Ref: 'AWS::StackName' }]],
    });

    // Assess
    expect(resolved).toBe('us-east-1|000000000000|aws|amazonaws.com|Demo');
  });

  it('resolves Ref and Fn::GetAtt of queues, tables and functions to local names, URLs and ARNs', () => {
    // Act and assess
    expect(resolve({ Ref: 'Work' })).toBe(`${QUEUE_URL_BASE}/work`);
    expect(resolve({ 'Fn::GetAtt': ['Work', 'Arn'] })).toBe('arn:aws:sqs:us-east-1:000000000000:work');
    expect(resolve({ 'Fn::GetAtt': 'Work.QueueName' })).toBe('work');
    expect(resolve({ Ref: 'Table' })).toBe('jobs');
    expect(resolve({ 'Fn::GetAtt': ['Table', 'Arn'] })).toBe('arn:aws:dynamodb:us-east-1:000000000000:table/jobs');
    expect(resolve({ Ref: 'Fn' })).toBe('ingest');
    expect(resolve({ 'Fn::GetAtt': ['Fn', 'Arn'] })).toBe('arn:aws:lambda:us-east-1:000000000000:function:ingest');
  });

  it('resolves both forms of Fn::Sub, including resource attributes and escaped literals', () => {
    // Act and assess
    expect(resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${Work.QueueName}' })).toBe(
      'arn:aws:sqs:us-east-1:000000000000:work',
    );
    expect(resolve({ 'Fn::Sub': ['${Name}-${Stage} ${!Literal}', { Name: { Ref: 'Table' } }] })).toBe('jobs-dev ${Literal}');
  });

  it('selects from and splits lists', () => {
    // Act and assess
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Work', 'Arn'] }] }] })).toBe('aws');
    expect(resolve({ 'Fn::Select': ['1', { Ref: 'Zones' }] })).toBe('b');
    expect(() => resolve({ 'Fn::Select': [5, ['a']] })).toThrow(IntrinsicError);
  });

  it('evaluates Fn::If over the template conditions and drops AWS::NoValue', () => {
    // Act
    const resolved = resolve({
      A: { 'Fn::If': ['IsProd', 'big', 'small'] },
      B: { 'Fn::If': ['IsDev', { Ref: 'AWS::NoValue' }, 'x'] },
      C: [{ 'Fn::If': ['IsDev', { Ref: 'AWS::NoValue' }, 'x'] }, 'kept'],
      D: { 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'memory'] },
    });

    // Assess
    expect(resolved).toEqual({ A: 'small', C: ['kept'], D: 256 });
  });

  it('turns a reference to a resource that is not emulated into a placeholder and reports it', () => {
    // Prepare
    const unresolved: UnresolvedReference[] = [];

    // Act
    const value = resolveString({ 'Fn::Join': ['', ['alarm=', { 'Fn::GetAtt': ['Alarm', 'Arn'] }]] }, scope, unresolved);

    // Assess
    expect(value).toBe(`alarm=${PLACEHOLDER_PREFIX}Fn::GetAtt:Alarm.Arn`);
    expect(unresolved).toEqual([{ reference: 'Fn::GetAtt Alarm.Arn', reason: 'AWS::CloudWatch::Alarm is not emulated' }]);
  });

  it('leaves out resources whose condition does not hold', () => {
    // Prepare
    const unresolved: UnresolvedReference[] = [];

    // Act
    const value = resolve({ Ref: 'Optional' }, unresolved);

    // Assess
    expect(value).toBe(`${PLACEHOLDER_PREFIX}Ref:Optional`);
    expect(localOf(template).resources.has('Optional')).toBe(false);
  });

  it('rejects malformed intrinsics with a message naming them', () => {
    // Act and assess
    expect(() => resolve({ 'Fn::Join': ['-'] })).toThrow(/Fn::Join takes a list of 2/);
    expect(() => resolve({ 'Fn::Join': ['-', [['nested']]] })).toThrow(/must resolve to a string/);
  });
});
