import { jsonText } from '../../../core/json-text';
import * as z from '../../../core/validation';
import { pipelineConfigSchema } from '../../../core/runtime-config';

/** `arn:<partition>:sqs:<region>:<account>`: the queue ARNs' common part. */
const ARN_BASE = /^arn:[a-z-]+:sqs:[a-z0-9-]+:\d{12}$/;

/** A `true` / `false` variable, `false` when unset (as the consumers read theirs). */
const flag = () => z.pipe(z._default(z.enum(['true', 'false']), 'false'), z.transform((value) => value === 'true'));

/**
 * Configuration of the admin function: what the ingest side has (table, queue
 * URL base, name prefix, queue settings), plus where the queues' ARNs start
 * (message move tasks take ARNs), each queue's consumer function (pause and
 * resume switch its event source mappings), and the consumers' target
 * allowances (`ALLOW_LOOPBACK_TARGETS`, `ALLOW_PRIVATE_TARGETS`), which an
 * endpoint's URL must pass at registration.
 */
export const adminConfigSchema = z
  .extend(z.omit(pipelineConfigSchema, { RECONCILE_AFTER_SECONDS: true }), {
    QUEUE_ARN_BASE: z.string().check(z.regex(ARN_BASE, { error: 'QUEUE_ARN_BASE must be arn:<partition>:sqs:<region>:<account>' })),
    CONSUMER_FUNCTIONS: z.pipe(
      z.pipe(z.string({ error: 'CONSUMER_FUNCTIONS is required' }), z.transform(jsonText('CONSUMER_FUNCTIONS must be JSON'))),
      z.record(z.string().check(z.minLength(1)), z.string().check(z.minLength(1)), {
        error: 'CONSUMER_FUNCTIONS must map each queue to its consumer function name',
      }),
    ),
    ALLOW_LOOPBACK_TARGETS: flag(),
    ALLOW_PRIVATE_TARGETS: flag(),
  })
  .check(
    z.refine((config) => config.QUEUES.every((queue) => config.CONSUMER_FUNCTIONS[queue.name] !== undefined), {
      error: 'CONSUMER_FUNCTIONS must name a consumer function for every queue in QUEUES',
      path: ['CONSUMER_FUNCTIONS'],
    }),
  );

/** Checked admin configuration. */
export type AdminConfig = z.output<typeof adminConfigSchema>;
