import type { CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { HEALTH_SNAPSHOT_KEY } from '../../functions/core/health-snapshot';
import { JOBS_TABLE } from '../../functions/core/table-schema';
import { JobsTable } from '../../lib/jobs-table';
import { createJobsTable } from '../../local/provision';
import { resourceAt, resourcesOf, testStack, type Statement } from './support';

/** Every index `JOBS_TABLE` declares (its `…Index` entries), as the construct provisions them. */
const INDEXES = Object.entries(JOBS_TABLE)
  .filter(([key]) => key.endsWith('Index'))
  .map(([, value]) => value as { readonly name: string; readonly nonKeyAttributes?: readonly string[] });

/** Their names in the order CloudFormation lists index ARNs in a statement. */
const INDEX_NAMES = INDEXES.map((index) => index.name).sort();

function tableTemplate(production?: boolean) {
  const stack = testStack();
  const jobs = new JobsTable(stack, 'Jobs', { production });
  return { stack, jobs, template: () => Template.fromStack(stack) };
}

/** The CreateTable input the local cloud sends, captured from a client that answers like DynamoDB. */
async function localCreateTableInput(): Promise<CreateTableCommandInput> {
  const sent: unknown[] = [];
  const client = {
    send: async (command: { input: unknown; constructor: { name: string } }) => {
      sent.push(command);
      if (command.constructor.name === 'DescribeTableCommand') return { Table: { TableStatus: 'ACTIVE', GlobalSecondaryIndexes: [] } };
      return {};
    },
  } as unknown as DynamoDBClient;
  await createJobsTable(client, 'jobs');
  const create = sent.find((command) => (command as { constructor: { name: string } }).constructor.name === 'CreateTableCommand');
  return (create as { input: CreateTableCommandInput }).input;
}

describe('JobsTable', () => {
  it('has the key layout, index and billing of the local cloud’s table', async () => {
    // Prepare
    const local = await localCreateTableInput();

    // Act
    const { template } = tableTemplate();
    const [, table] = resourceAt(template(), 'AWS::DynamoDB::Table', 'Test/Jobs/Table');

    // Assess
    const properties = table.Properties ?? {};
    const byName = (list: unknown) => [...(list as { AttributeName: string }[])].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName));
    expect(byName(properties.AttributeDefinitions)).toEqual(byName(local.AttributeDefinitions));
    expect(properties.KeySchema).toEqual(local.KeySchema);
    expect(properties.BillingMode).toBe(local.BillingMode);
    expect(properties.GlobalSecondaryIndexes).toEqual(
      local.GlobalSecondaryIndexes?.map((index) => ({ IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection })),
    );
  });

  it('expires items on expires_at, keeps point-in-time recovery and encrypts with the AWS key', () => {
    // Act
    const template = tableTemplate().template();

    // Assess
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: JOBS_TABLE.ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      GlobalSecondaryIndexes: INDEXES.map((index) =>
        Match.objectLike({
          IndexName: index.name,
          Projection:
            index.nonKeyAttributes === undefined
              ? { ProjectionType: 'ALL' }
              : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.nonKeyAttributes] },
        }),
      ),
    });
  });

  it('projects into the schedule index only what a job keeps while in it, so a claim or a retry writes no index', () => {
    // Act
    const template = tableTemplate().template();

    // Assess: the claim and the retry change status, attempts, lease, history and payload; none is projected
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: 'schedule',
          KeySchema: [
            { AttributeName: 'sched_pk', KeyType: 'HASH' },
            { AttributeName: 'sched_at', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['job_id', 'queue', 'lane'] },
        },
      ]),
    });
    const indexes = template.findResources('AWS::DynamoDB::Table');
    expect(JSON.stringify(indexes)).not.toContain('lease_until_ms');
  });

  it('is deleted with a dev stack and protected and retained in production', () => {
    // Act
    const dev = tableTemplate(false).template();
    const prod = tableTemplate(true).template();

    // Assess
    dev.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ DeletionProtectionEnabled: false }) });
    prod.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });

  it('grants the job store, the rate limiter, the batch create and readers exact actions on the table and its indexes', () => {
    // Prepare
    const { stack, jobs, template } = tableTemplate();
    const role = (id: string) => new Role(stack, id, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });

    // Act
    jobs.grantJobStore(role('Store'));
    jobs.grantRateLimiter(role('Limiter'));
    jobs.grantRead(role('Reader'));
    jobs.grantBatchCreate(role('Ingest'));

    // Assess
    const synthesized = template();
    const statements = (roleId: string): Statement[] =>
      Object.values(resourcesOf(synthesized, 'AWS::IAM::Policy'))
        .filter((policy) => JSON.stringify(policy.Properties?.Roles).includes(roleId))
        .flatMap((policy) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
    const tableArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^JobsTable'), 'Arn'] };
    const indexArn = (name: string) => ({ 'Fn::Join': ['', [tableArn, `/index/${name}`]] });
    expect(statements('Store')).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^JobsTable/), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: [
          { 'Fn::GetAtt': [expect.stringMatching(/^JobsTable/), 'Arn'] },
          ...INDEX_NAMES.map((name) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^JobsTable/), 'Arn'] }, `/index/${name}`]] })),
        ],
      },
    ]);
    expect(statements('Limiter')).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: expect.anything() },
    ]);
    expect(statements('Ingest')).toEqual([{ Effect: 'Allow', Action: 'dynamodb:BatchWriteItem', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^JobsTable/), 'Arn'] } }]);
    expect(statements('Reader').flatMap((statement) => statement.Action)).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
    ]);
    synthesized.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'dynamodb:Query', Resource: [tableArn, ...INDEX_NAMES.map(indexArn)] })]) },
    });
  });

  it('grants the health function read and update of its snapshot item only, by partition key', () => {
    // Prepare
    const { stack, jobs, template } = tableTemplate();
    const role = new Role(stack, 'Health', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });

    // Act
    jobs.grantHealthSnapshot(role);

    // Assess
    const statements = Object.values(resourcesOf(template(), 'AWS::IAM::Policy')).flatMap(
      (policy) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^JobsTable/), 'Arn'] },
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['HEALTH#queue-counts'] } },
      },
    ]);
    expect(HEALTH_SNAPSHOT_KEY.partitionKey).toBe('HEALTH#queue-counts');
  });
});
