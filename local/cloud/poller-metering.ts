import type { Message } from '@aws-sdk/client-sqs';
import { sumPayload } from './http/sqs-payload';
import { sqsActionKey, type UsageRecorder } from './meter';

/**
 * Bills one SQS request of an event source mapping's poller: a receive that
 * found nothing by how long it waited, as Lambda's long-polling pollers would
 * make it (see `idlePollBilledRequests`), any other request per started
 * 64 KiB of the payload it carried.
 *
 * @example
 * meterPollerRequest(meter, 'ReceiveMessage', queueUrl, [], 1_000); // 0.25 of a request
 */
export function meterPollerRequest(
  meter: Pick<UsageRecorder, 'sqsCall' | 'sqsIdlePoll'>,
  action: 'ReceiveMessage' | 'DeleteMessageBatch',
  queueUrl: string,
  received: readonly Message[],
  tookMs: number,
): void {
  const empty = action === 'ReceiveMessage' && received.length === 0;
  const key = sqsActionKey(action, { poller: true, empty, fifo: queueUrl.endsWith('.fifo') });
  if (empty) meter.sqsIdlePoll(key, tookMs);
  else meter.sqsCall(key, sumPayload(received));
}
