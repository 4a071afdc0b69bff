import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../core/validation';
import { DynamoDbPauseStore } from '../adapters/pause-store';
import { payloadKey } from '../adapters/job-keys';
import { jobStoreContext } from '../adapters/job-store-context';
import { DynamoDbScheduleScanner } from '../adapters/schedule-scan';
import { scheduledJobStore } from '../adapters/scheduled-job-store';
import { queueTimingsVariableSchema, type QueueTimings } from '../core/queue-timings';
import { deadLetterQueueName, queueUrl } from '../core/queue-names';
import { parseConfig } from '../core/runtime-config';
import { EmfStuckMetrics } from '../adapters/stuck-metrics';
import { DynamoDbCounterRollup } from '../adapters/dynamodb-counter-rollup';
import { pipelineRuntime } from './runtime';

/** What the scheduled functions read besides the pipeline's configuration. */
const scheduledConfigSchema = z.object({
  /** Each queue's times, written by the stack (`queueTimingsVariable`); without it every queue uses `RECONCILE_AFTER_SECONDS`. */
  QUEUE_TIMINGS: z.optional(queueTimingsVariableSchema),
});

/**
 * The adapters of the sweeper, the reconciler and the stuck detector, built
 * once per container on the runtime's one DynamoDB client: the pipeline's,
 * the job store's three scheduled transitions (`scheduled-job-store.ts`), the
 * schedule and active indexes read a page at a time, the queues' pause items
 * and each queue's times.
 */
export function scheduledRuntime(environment: Record<string, string | undefined>, service: string) {
  const base = pipelineRuntime(environment, service);
  const { QUEUE_TIMINGS } = parseConfig(scheduledConfigSchema, environment);
  const { dynamodb } = base;
  const tableName = base.config.TABLE_NAME;
  const context = jobStoreContext({ client: dynamodb, tableName });
  return {
    ...base,
    store: scheduledJobStore(context),
    schedule: new DynamoDbScheduleScanner({ client: dynamodb, tableName }),
    pauses: new DynamoDbPauseStore({ client: dynamodb, tableName }),
    timings: QUEUE_TIMINGS ?? new Map<string, QueueTimings>(),
    defaultAfterSeconds: base.config.RECONCILE_AFTER_SECONDS,
    deadLetterUrl: (settings: { readonly name: string; readonly fifo: boolean }) =>
      queueUrl(base.config.QUEUE_URL_BASE, deadLetterQueueName(base.config.QUEUE_NAME_PREFIX, settings)),
    payloadOf: async (jobId: string, runId: string): Promise<string | undefined> => {
      const { Item } = await context.doc.send(new GetCommand({ TableName: tableName, Key: payloadKey(jobId, runId) }));
      return typeof Item?.payload === 'string' ? Item.payload : undefined;
    },
    metrics: new EmfStuckMetrics(),
  };
}

/**
 * The reconciler's adapters: those of {@link scheduledRuntime}, and the
 * queues' counters with the queue list, whose finished hours it rolls up
 * alongside each run (see `workflows/roll-up-counters.ts`).
 */
export function reconcilerRuntime(environment: Record<string, string | undefined>) {
  const base = scheduledRuntime(environment, 'reconciler');
  return {
    ...base,
    settings: base.config.QUEUES,
    rollup: new DynamoDbCounterRollup({ client: base.dynamodb, tableName: base.config.TABLE_NAME }),
  };
}
