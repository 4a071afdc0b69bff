import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import { catalog } from '../../../lib/catalog';
import { LOCAL_CREDENTIALS } from '../../../local/local-aws';

/** What the fault suite's global setup hands every case, beside the end-to-end context. */
export interface FaultsCloud {
  /** The fault control server (see `FaultControl`). */
  readonly controlUrl: string;
  /** The SQS endpoint of the local cloud. */
  readonly sqsEndpoint: string;
  readonly region: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    faultsCloud: FaultsCloud;
  }
}

/** Switches one fault (see `FaultControl` for the paths); returns its answer. */
export async function fault(path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${inject('faultsCloud').controlUrl}${path}`, { method: 'POST' });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`fault ${path} refused: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

let sqs: SQSClient | undefined;

function client(): SQSClient {
  const cloud = inject('faultsCloud');
  sqs ??= new SQSClient({ endpoint: cloud.sqsEndpoint, region: cloud.region, credentials: { ...LOCAL_CREDENTIALS } });
  return sqs;
}

/** The job id a letter carries: its attribute, or its body's (letters SQS moved itself carry only the body). */
function jobIdOf(message: Message): string | undefined {
  const attribute = message.MessageAttributes?.job_id?.StringValue;
  if (attribute !== undefined) return attribute;
  try {
    const body = JSON.parse(message.Body ?? '') as { jobId?: unknown };
    return typeof body.jobId === 'string' ? body.jobId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every letter in a queue's dead-letter queue, by job id (how many letters
 * each job has). Reads them all, hiding each for a few seconds so that one
 * pass goes through the queue; a letter seen twice (back before the pass
 * ended) counts once. Call it when nothing else reads the DLQ.
 */
export async function lettersByJob(queue: string, stage = 'dev', hideSeconds = 3): Promise<Map<string, number>> {
  const fifo = catalog.find((entry) => entry.name === queue)?.fifo === true;
  const name = `jobs-${stage}-${queue}-dlq${fifo ? '.fifo' : ''}`;
  const { QueueUrl } = await client().send(new GetQueueUrlCommand({ QueueName: name }));
  const seen = new Map<string, string>();
  for (;;) {
    const { Messages } = await client().send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: hideSeconds, MessageAttributeNames: ['All'] }),
    );
    const fresh = (Messages ?? []).filter((message) => !seen.has(message.MessageId ?? ''));
    if (fresh.length === 0) break;
    for (const message of fresh) seen.set(message.MessageId ?? '', jobIdOf(message) ?? `unreadable:${message.MessageId ?? '?'}`);
  }
  const counts = new Map<string, number>();
  for (const jobId of seen.values()) counts.set(jobId, (counts.get(jobId) ?? 0) + 1);
  return counts;
}
