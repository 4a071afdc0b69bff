import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteQueueCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ProvisionError } from '../errors';
import { resolveValue, type LocalResource, type ResolveScope, type UnresolvedReference } from './intrinsics';
import type { CfnResource } from './template';

/** One queue to create, its attributes resolved from the template. */
export interface QueueSpec {
  readonly logicalId: string;
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  /** SQS attributes as `SetQueueAttributes` takes them. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** What {@link createQueues} could not apply. */
export interface QueueProvisioning {
  /** Attributes the emulator refused, with how many queues asked for each; they were skipped. */
  readonly skippedAttributes: ReadonlyMap<string, number>;
}

/** Template properties that are SQS attributes; policies go in as JSON strings. */
const ATTRIBUTE_PROPERTIES = [
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
] as const;

/**
 * The queues an `AWS::SQS::Queue` list declares, with their local names, URLs
 * and ARNs and their attributes resolved (a redrive policy's DLQ ARN becomes
 * the local DLQ's ARN).
 *
 * @example
 * const specs = queueSpecs(resourcesOfType(template, 'AWS::SQS::Queue'), scope);
 */
export function queueSpecs(queues: readonly [string, CfnResource][], scope: ResolveScope, unresolved: UnresolvedReference[] = []): QueueSpec[] {
  return queues.map(([logicalId, resource]) => {
    const local = scope.resource(logicalId);
    if (local === undefined) throw new ProvisionError(`queue ${logicalId} has no local name`, { context: { logicalId } });
    const properties = resource.Properties ?? {};
    const attributes: Record<string, string> = {};
    for (const property of ATTRIBUTE_PROPERTIES) {
      const value = resolveValue(properties[property], scope, unresolved);
      if (value === undefined) continue;
      attributes[property] = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    }
    return { logicalId, name: nameOf(local), url: local.ref, arn: local.attributes.Arn ?? '', attributes };
  });
}

function nameOf(local: LocalResource): string {
  return local.attributes.QueueName ?? local.ref.slice(local.ref.lastIndexOf('/') + 1);
}

/**
 * The base of the queue URLs the emulator gives when reached through
 * `client`'s endpoint, found by creating and deleting a probe queue. The base
 * depends on the endpoint a queue is created through, so this is what the
 * functions' `QUEUE_URL_BASE` must be.
 */
export async function discoverQueueUrlBase(client: SQSClient): Promise<string> {
  const name = `local-cloud-probe-${randomUUID().slice(0, 8)}`;
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
  if (QueueUrl === undefined || !QueueUrl.endsWith(`/${name}`)) {
    throw new ProvisionError(`the SQS emulator answered CreateQueue with URL ${QueueUrl ?? '(none)'}`, { context: { name } });
  }
  await client.send(new DeleteQueueCommand({ QueueUrl }));
  return QueueUrl.slice(0, -name.length - 1);
}

/**
 * Creates every queue, then applies its attributes. Creating all first lets a
 * redrive policy name a DLQ created after its source. The emulator lists the
 * attributes it does not take; each is skipped (and counted) rather than
 * failing the start, and the rest are applied.
 *
 * @throws ProvisionError when a queue is created at another URL than the one the functions were given
 * @example
 * const { skippedAttributes } = await createQueues(sqs, specs);
 */
export async function createQueues(client: SQSClient, specs: readonly QueueSpec[]): Promise<QueueProvisioning> {
  await Promise.all(
    specs.map(async (spec) => {
      // A FIFO queue can only be made FIFO when it is created.
      const fifo = spec.attributes.FifoQueue === 'true' ? { FifoQueue: 'true' } : undefined;
      const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: spec.name, Attributes: fifo }));
      if (QueueUrl !== spec.url) {
        throw new ProvisionError(`queue ${spec.name} was created at ${QueueUrl ?? '(no URL)'}, not at ${spec.url}`, {
          context: { logicalId: spec.logicalId, url: QueueUrl, expected: spec.url },
        });
      }
    }),
  );
  const skipped = new Map<string, number>();
  for (const spec of specs) {
    const { FifoQueue: _created, ...rest } = spec.attributes;
    for (const attribute of await setAttributes(client, spec.url, rest)) skipped.set(attribute, (skipped.get(attribute) ?? 0) + 1);
  }
  return { skippedAttributes: skipped };
}

/** Sets the attributes, dropping each one the emulator names as unknown; returns those dropped. */
async function setAttributes(client: SQSClient, url: string, attributes: Record<string, string>): Promise<string[]> {
  const remaining = { ...attributes };
  const dropped: string[] = [];
  while (Object.keys(remaining).length > 0) {
    try {
      await client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: remaining }));
      return dropped;
    } catch (error) {
      const refused = refusedAttribute(error, Object.keys(remaining));
      if (refused === undefined) throw error;
      delete remaining[refused];
      dropped.push(refused);
    }
  }
  return dropped;
}

function refusedAttribute(error: unknown, names: readonly string[]): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { Code?: unknown }).Code ?? error.name;
  if (code !== 'InvalidAttributeName' && !/InvalidAttributeName/.test(error.name)) return undefined;
  return names.find((name) => error.message.includes(name));
}
