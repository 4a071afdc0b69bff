/**
 * Stored-item factories for the adapter unit tests: a job's state item as the
 * table holds it (snake_case), and DynamoDB's condition-failure error as the
 * service raises it (the old item still marshalled).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { A_JOB_ID, A_RUN_ID, FIXED_NOW, FIXED_NOW_ISO } from '../../helpers/factories';

/** A state item: by default a fresh `waiting` job on `payments`, never attempted, payload inline. */
export function aStateItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pk: `JOB#${A_JOB_ID}`,
    sk: 'STATE',
    job_id: A_JOB_ID,
    run_id: A_RUN_ID,
    queue: 'payments',
    name: 'stk_push',
    lane: 'normal',
    status: 'waiting',
    priority: 'normal',
    attempts: 0,
    max_attempts: 3,
    created_at: FIXED_NOW_ISO,
    updated_at: FIXED_NOW_ISO,
    correlation_id: 'corr-1',
    payload_bytes: 38,
    history: [],
    delay_seconds: 0,
    payload: '{"intentId":"intent-42","amount":1000}',
    sched_pk: 'PENDING#0',
    sched_at: FIXED_NOW.getTime(),
    ...overrides,
  };
}

/** The error DynamoDB raises when a condition fails; with `item`, as `ReturnValuesOnConditionCheckFailure: ALL_OLD` returns it. */
export function conditionFailed(item?: Record<string, unknown>): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(item === undefined ? {} : { Item: marshall(item, { removeUndefinedValues: true }) }),
  });
}
