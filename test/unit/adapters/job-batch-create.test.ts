import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { BATCH_WRITE_MAX_ITEMS, createUnindexedJobs, UNPROCESSED_FIRST_WAIT_MS, UNPROCESSED_TRIES } from '../../../functions/adapters/job-batch-create';
import { jobStoreContext } from '../../../functions/adapters/job-store-context';
import type { NewJob } from '../../../functions/adapters/job-store';
import { aJobMessage, aNewJob } from '../../helpers/factories';

const documents = mockClient(DynamoDBDocumentClient);
const context = jobStoreContext({ client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'jobs' });

/** An unindexed job with a small payload, as the ingest hands it over. */
const plainJob = (n: number): NewJob => aNewJob({ message: aJobMessage({ jobId: `job-${n}`, runId: `run-${n}`, unindexed: true }), unindexed: true });

/** The puts of one batch call, as items. */
const putsOf = (call: number) =>
  (documents.commandCalls(BatchWriteCommand)[call]?.args[0].input.RequestItems?.jobs ?? []).map((request) => request.PutRequest?.Item as Record<string, unknown>);

/** A wait that only notes how long it was asked to be. */
function recordedSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

beforeEach(() => {
  documents.reset();
});

describe('createUnindexedJobs', () => {
  it('puts the jobs in calls of at most 25, with no condition, and reports each written', async () => {
    // Prepare
    documents.on(BatchWriteCommand).resolves({});
    const jobs = Array.from({ length: 60 }, (_, n) => plainJob(n));

    // Act
    const failures = await createUnindexedJobs(context, jobs);

    // Assess
    expect(failures).toEqual(jobs.map(() => undefined));
    expect(documents.commandCalls(BatchWriteCommand).map((_, call) => putsOf(call).length)).toEqual([BATCH_WRITE_MAX_ITEMS, BATCH_WRITE_MAX_ITEMS, 10]);
    expect(putsOf(0)[0]).toMatchObject({ pk: 'JOB#job-0', sk: 'STATE', status: 'waiting', job_id: 'job-0' });
    expect(putsOf(0)[0]).not.toHaveProperty('sched_pk');
  });

  it('puts again what DynamoDB left unprocessed, after a growing jittered wait', async () => {
    // Prepare: the first call leaves two items, the second one, the third none
    const jobs = [plainJob(1), plainJob(2), plainJob(3)];
    const items = jobs.map((_, n) => ({ PutRequest: { Item: { pk: `JOB#job-${n + 1}`, sk: 'STATE' } } }));
    documents
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { jobs: [items[1], items[2]] as never } })
      .resolvesOnce({ UnprocessedItems: { jobs: [items[2]] as never } })
      .resolvesOnce({});
    const { waits, sleep } = recordedSleep();

    // Act
    const failures = await createUnindexedJobs(context, jobs, { sleep, random: () => 0.5 });

    // Assess
    expect(failures).toEqual([undefined, undefined, undefined]);
    expect(documents.commandCalls(BatchWriteCommand).map((_, call) => putsOf(call).map((item) => item.pk))).toEqual([
      ['JOB#job-1', 'JOB#job-2', 'JOB#job-3'],
      ['JOB#job-2', 'JOB#job-3'],
      ['JOB#job-3'],
    ]);
    expect(waits).toEqual([UNPROCESSED_FIRST_WAIT_MS, UNPROCESSED_FIRST_WAIT_MS * 2]);
  });

  it(`fails the jobs still unprocessed after ${UNPROCESSED_TRIES} tries, and only those`, async () => {
    // Prepare
    const jobs = [plainJob(1), plainJob(2)];
    documents.on(BatchWriteCommand).resolves({ UnprocessedItems: { jobs: [{ PutRequest: { Item: { pk: 'JOB#job-2', sk: 'STATE' } } }] } as never });
    const { waits, sleep } = recordedSleep();

    // Act
    const failures = await createUnindexedJobs(context, jobs, { sleep, random: () => 0.5 });

    // Assess
    expect(failures[0]).toBeUndefined();
    expect(failures[1]?.message).toContain(`left unprocessed ${UNPROCESSED_TRIES} times`);
    expect(documents.commandCalls(BatchWriteCommand)).toHaveLength(UNPROCESSED_TRIES);
    expect(waits).toHaveLength(UNPROCESSED_TRIES - 1);
  });

  it("fails every job of a call that threw, and none of another call's", async () => {
    // Prepare: the first call of two throws
    const jobs = Array.from({ length: 30 }, (_, n) => plainJob(n));
    documents.on(BatchWriteCommand).rejectsOnce(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' })).resolves({});

    // Act
    const failures = await createUnindexedJobs(context, jobs);

    // Assess
    const failed = failures.flatMap((failure, index) => (failure === undefined ? [] : [index]));
    expect(failed).toHaveLength(BATCH_WRITE_MAX_ITEMS);
    expect(failures.find((failure) => failure !== undefined)?.message).toBe('job store create failed: ProvisionedThroughputExceededException');
  });

  it('creates a job whose payload needs its own item with the single create, and reports its failure', async () => {
    // Prepare
    documents.on(BatchWriteCommand).resolves({});
    documents.on(PutCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    const large = aNewJob({ message: aJobMessage({ jobId: 'job-large', runId: 'run-large', data: { blob: 'x'.repeat(5000) }, unindexed: true }), payloadBytes: 5014, unindexed: true });

    // Act
    const failures = await createUnindexedJobs(context, [plainJob(1), large]);

    // Assess
    expect(failures[0]).toBeUndefined();
    expect(failures[1]?.message).toBe('job store create failed: ThrottlingException');
    expect(putsOf(0).map((item) => item.pk)).toEqual(['JOB#job-1']);
    // The single create writes the payload item first, and stopped there.
    expect(documents.commandCalls(PutCommand).map((call) => call.args[0].input.Item?.sk)).toEqual(['PAYLOAD#run-large']);
  });
});
