import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { adminJobStore } from '../../../functions/adapters/admin-job-store';
import { consumerJobStore } from '../../../functions/adapters/consumer-job-store';
import { endpointItemKey, itemOfEndpoint } from '../../../functions/adapters/endpoint-item';
import { endpointGetter, endpointReader } from '../../../functions/adapters/endpoint-reader';
import { ingestJobStore } from '../../../functions/adapters/ingest-job-store';
import { jobStatusStore } from '../../../functions/adapters/job-status-store';
import { jobStoreContext } from '../../../functions/adapters/job-store-context';
import { scheduledJobStore } from '../../../functions/adapters/scheduled-job-store';
import { JobNotFoundError } from '../../../functions/core/errors';
import { A_JOB_ID, A_PARTNER, A_RUN_ID, FIXED_NOW, aJobMessage, aNewJob } from '../../helpers/factories';
import { anEndpoint } from '../admin/endpoint-fakes';
import { aStateItem, conditionFailed } from './stored-items';

const documents = mockClient(DynamoDBDocumentClient);
const context = jobStoreContext({ client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'jobs' });
const later = new Date(FIXED_NOW.getTime() + 86_400_000);

beforeEach(() => {
  documents.reset();
});

describe("each function's own job store", () => {
  it('ingest: creates a job with the conditional put of the whole store, unindexed ones in batch puts, and holds only the ingest’s transitions', async () => {
    // Prepare
    documents.on(PutCommand).resolves({});
    documents.on(UpdateCommand).resolves({ Attributes: aStateItem({ status: 'waiting' }) });
    documents.on(BatchWriteCommand).resolves({});
    const store = ingestJobStore(context);

    // Act
    const outcome = await store.create(aNewJob());
    const together = await store.createUnindexed([aNewJob({ unindexed: true }), aNewJob({ message: aJobMessage({ jobId: 'job-2' }), unindexed: true })]);
    await store.markEnqueued(A_JOB_ID, A_RUN_ID, FIXED_NOW);

    // Assess: create (one job, or unindexed ones in a batch put), and the schedule entry of an unindexed job whose send failed
    expect(Object.keys(store)).toEqual(['create', 'createUnindexed', 'markEnqueued']);
    expect(together).toEqual([undefined, undefined]);
    expect(documents.commandCalls(BatchWriteCommand)).toHaveLength(1);
    expect(documents.commandCalls(UpdateCommand)[0]?.args[0].input.UpdateExpression).toContain('#schedPk = :pending');
    expect(outcome).toMatchObject({ created: true, job: { jobId: A_JOB_ID, status: 'waiting' } });
    const input = documents.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ TableName: 'jobs', ConditionExpression: 'attribute_not_exists(pk) OR #status IN (:completed, :failed, :cancelled)' });
  });

  it("consumer: claims with the progress token it was given, and holds only the consumer's transitions", async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: aStateItem({ status: 'active', attempts: 1 }) });
    const store = consumerJobStore(context, { newProgressToken: () => 'token-1' });

    // Act
    const outcome = await store.claim(A_JOB_ID, A_RUN_ID, FIXED_NOW, 60_000);

    // Assess
    expect(Object.keys(store).sort()).toEqual(['abandon', 'claim', 'complete', 'create', 'fail', 'get', 'markLettered', 'retry']);
    expect(outcome).toMatchObject({ claimed: true, job: { status: 'active', attempts: 1 } });
    expect(documents.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues).toMatchObject({ ':token': 'token-1', ':run': A_RUN_ID });
  });

  it('job status: reads with a consistent get, and a refused cancel of another partner reads as not found', async () => {
    // Prepare
    documents.on(GetCommand).resolves({ Item: aStateItem() });
    documents.on(UpdateCommand).rejects(conditionFailed(aStateItem({ partner: 'someone-else' })));
    const store = jobStatusStore(context);

    // Act
    const job = await store.get(A_JOB_ID);
    const cancel = store.cancel(A_JOB_ID, A_PARTNER, FIXED_NOW, later);

    // Assess
    expect(Object.keys(store).sort()).toEqual(['cancel', 'get', 'readData', 'reportProgress']);
    expect(job).toMatchObject({ jobId: A_JOB_ID, status: 'waiting' });
    expect(documents.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({ TableName: 'jobs', ConsistentRead: true });
    await expect(cancel).rejects.toThrow(JobNotFoundError);
  });

  it('scheduled functions: mark a job enqueued in its pending partition, and hold three transitions', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: aStateItem() });
    const store = scheduledJobStore(context);

    // Act
    await store.markEnqueued(A_JOB_ID, A_RUN_ID, FIXED_NOW);

    // Assess
    expect(Object.keys(store).sort()).toEqual(['fail', 'markEnqueued', 'markLettered']);
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('run_id = :run AND #status IN (:delayed, :waiting)');
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':nowMs': FIXED_NOW.getTime() });
  });

  it("admin: reads a job and holds the operations routes' listings and transitions", async () => {
    // Prepare
    documents.on(GetCommand).resolves({});
    const store = adminJobStore(context);

    // Act
    const job = await store.get(A_JOB_ID);

    // Assess
    expect(Object.keys(store).sort()).toEqual(['clean', 'get', 'listFailed', 'markPurged', 'resetForRedrive']);
    expect(job).toBeUndefined();
  });
});

describe('the endpoint registry read side', () => {
  const options = { client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'jobs' };

  it('a consumer reads one endpoint by id, consistently when asked, and nothing else', async () => {
    // Prepare
    const endpoint = anEndpoint();
    documents.on(GetCommand).resolves({ Item: itemOfEndpoint(endpoint) });
    const registry = endpointGetter(options);

    // Act
    const read = await registry.get(endpoint.endpointId, { consistent: true });

    // Assess
    expect(Object.keys(registry)).toEqual(['get']);
    expect(read).toEqual(endpoint);
    expect(documents.commandCalls(GetCommand)[0]?.args[0].input).toEqual({ TableName: 'jobs', Key: endpointItemKey(endpoint.endpointId), ConsistentRead: true });
  });

  it("the ingest lists a user's endpoints from the directory, then their items", async () => {
    // Prepare
    const endpoint = anEndpoint();
    documents.on(QueryCommand).resolves({ Items: [{ pk: 'ENDPOINTS', sk: `${endpoint.userId}#${endpoint.endpointId}`, endpoint_id: endpoint.endpointId }] });
    documents.on(BatchGetCommand).resolves({ Responses: { jobs: [itemOfEndpoint(endpoint)] } });
    const registry = endpointReader(options);

    // Act
    const page = await registry.list({ userId: endpoint.userId, limit: 10 });

    // Assess
    expect(Object.keys(registry).sort()).toEqual(['get', 'list']);
    expect(page).toEqual({ endpoints: [endpoint] });
    expect(documents.commandCalls(QueryCommand)[0]?.args[0].input.ExpressionAttributeValues).toEqual({ ':pk': 'ENDPOINTS', ':prefix': `${endpoint.userId}#` });
  });

  it('refuses a cursor it did not give out', async () => {
    // Prepare
    const registry = endpointReader(options);

    // Act
    const listing = registry.list({ limit: 10, cursor: 'not-a-cursor' });

    // Assess
    await expect(listing).rejects.toThrow('the cursor is not one this listing gave out');
    expect(documents.commandCalls(QueryCommand)).toHaveLength(0);
  });
});
