/**
 * The payload of SQS calls as SQS bills it: each started 64 KiB of a call's
 * messages is one request. A message's size is its body plus, for each
 * message attribute, its name, data type and value, as SQS counts it against
 * the message size limit. The request's own JSON around it (queue URL, ids,
 * receipt handles) is not payload.
 */
import { SQS_CHUNK_BYTES } from '../meter';

/** A message attribute in the SQS JSON protocol's shape. */
interface AttributeValue {
  readonly DataType?: unknown;
  readonly StringValue?: unknown;
  readonly BinaryValue?: unknown;
}

/** A message as sent (`MessageBody`) or received (`Body`). */
export interface PayloadMessage {
  readonly MessageBody?: unknown;
  readonly Body?: unknown;
  readonly MessageAttributes?: unknown;
}

/**
 * One message's billed size: body and message attributes.
 *
 * @example
 * messagePayloadBytes({ MessageBody: 'hello', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } }); // 5 + 1 + 6 + 1
 */
export function messagePayloadBytes(message: PayloadMessage): number {
  const body = message.MessageBody ?? message.Body;
  let size = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : 0;
  const attributes = message.MessageAttributes;
  if (typeof attributes === 'object' && attributes !== null) {
    for (const [name, value] of Object.entries(attributes as Record<string, AttributeValue>)) {
      size += Buffer.byteLength(name, 'utf8') + textBytes(value.DataType) + textBytes(value.StringValue);
      // Binary values travel base64-encoded (JSON) or as bytes (an SDK's received message).
      const binary = value.BinaryValue;
      if (typeof binary === 'string') size += Buffer.from(binary, 'base64').length;
      else if (binary instanceof Uint8Array) size += binary.byteLength;
    }
  }
  return size;
}

/**
 * The payload of a JSON-protocol request body: what `SendMessage` or the
 * entries of `SendMessageBatch` carry. A body of at most 64 KiB is one
 * request whatever it holds (it can carry no more payload than its own
 * length), so only larger ones are parsed.
 */
export function requestPayloadBytes(action: string, body: Buffer): number {
  if (body.length <= SQS_CHUNK_BYTES) return body.length;
  const parsed = parse(body);
  if (action === 'SendMessage') return messagePayloadBytes(parsed);
  if (action === 'SendMessageBatch' && Array.isArray(parsed.Entries)) return sumPayload(parsed.Entries);
  return 0;
}

/** The payload of a `ReceiveMessage` answer: the messages it hands out. Small answers are not parsed (see {@link requestPayloadBytes}). */
export function receivedPayloadBytes(answer: Buffer): number {
  if (answer.length <= SQS_CHUNK_BYTES) return answer.length;
  const parsed = parse(answer);
  return Array.isArray(parsed.Messages) ? sumPayload(parsed.Messages) : 0;
}

/** The total billed size of some messages. */
export function sumPayload(messages: readonly unknown[]): number {
  return messages.reduce<number>((sum, message) => sum + (typeof message === 'object' && message !== null ? messagePayloadBytes(message as PayloadMessage) : 0), 0);
}

/** The `QueueUrl` a JSON-protocol body names, read without parsing it (an escaped one inside a message body cannot match). */
export function queueUrlIn(body: Buffer): string | undefined {
  return /"QueueUrl"\s*:\s*"([^"]*)"/.exec(body.toString('utf8'))?.[1];
}

function textBytes(value: unknown): number {
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0;
}

function parse(body: Buffer): { Entries?: unknown; Messages?: unknown } & PayloadMessage {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}
