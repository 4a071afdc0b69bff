import type { DynamoDbJobStore } from '../../../functions/adapters/dynamodb-job-store';
import type { NewJob } from '../../../functions/adapters/job-store';
import { TestPipeline, type TestPipelineOptions } from './pipeline';

/** Which of the ingest's store writes fail; each is asked at the write. */
export interface IngestStoreFaults {
  /** A create fails while this says so, as if DynamoDB refused the write. @default - no create fails */
  readonly create?: (job: NewJob) => boolean;
  /** A `markEnqueued` fails while this says so. @default - no markEnqueued fails */
  readonly markEnqueued?: (jobId: string) => boolean;
}

/**
 * A job store whose creates (single or together) and `markEnqueued` writes
 * fail as `faults` says; every other call goes through.
 *
 * @example
 * const store = storeWritesFailing(pipeline.store, { create: (job) => job.unindexed === true });
 */
export function storeWritesFailing(store: DynamoDbJobStore, faults: IngestStoreFaults): DynamoDbJobStore {
  const refused = (): Promise<never> => Promise.reject(new Error('the record write failed'));
  return {
    ...store,
    create: (job) => (faults.create?.(job) === true ? refused() : store.create(job)),
    // The jobs that fail are answered failed; the rest go to the real batch create together.
    createUnindexed: async (jobs) => {
      const failing = jobs.map((job) => faults.create?.(job) === true);
      const written = await store.createUnindexed(jobs.filter((_, index) => !failing[index]));
      let next = 0;
      return failing.map((fails) => (fails ? new Error('the record write failed') : written[next++]));
    },
    markEnqueued: (jobId, runId, now) => (faults.markEnqueued?.(jobId) === true ? refused() : store.markEnqueued(jobId, runId, now)),
  };
}

/**
 * A test pipeline whose ingest writes through {@link storeWritesFailing},
 * while its consumers keep the real store: a job's record write, or the
 * entry it gets when its send fails, can fail at the ingest alone. The ingest
 * takes its store from `enqueueDeps()`, so that is where the faults go in
 * (the sweeper and reconciler get them too: a test keeps its faults on only
 * while it calls the ingest).
 *
 * @example
 * let failCreates = false;
 * const pipeline = new IngestStoreFaultPipeline({ definitions }, { create: () => failCreates });
 */
export class IngestStoreFaultPipeline extends TestPipeline {
  public constructor(
    options: TestPipelineOptions,
    private readonly faults: IngestStoreFaults,
  ) {
    super(options);
  }

  public override enqueueDeps(): ReturnType<TestPipeline['enqueueDeps']> {
    const deps = super.enqueueDeps();
    return { ...deps, store: storeWritesFailing(deps.store, this.faults) };
  }
}
