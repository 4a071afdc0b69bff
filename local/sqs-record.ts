import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import { LocalCloudError } from './errors';

/** System attributes Lambda always puts on a record. */
const REQUIRED_ATTRIBUTES = ['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp'] as const;

/** System attributes Lambda adds when SQS returns them (FIFO queues, tracing, redrive). */
const OPTIONAL_ATTRIBUTES = [
  'AWSTraceHeader',
  'SequenceNumber',
  'MessageGroupId',
  'MessageDeduplicationId',
  'DeadLetterQueueSourceArn',
] as const;

/**
 * Turns a received SQS message into the record Lambda's SQS event source
 * would hand a function: camel-case fields, string-valued system attributes,
 * message attributes in Lambda's shape (binary as base64, list fields empty).
 * The message must have been received with all system attributes.
 *
 * @example
 * const record = toSqsRecord(message, queueArn);
 */
export function toSqsRecord(message: Message, queueArn: string): SQSRecord {
  const { MessageId, ReceiptHandle, Body, MD5OfBody } = message;
  if (MessageId === undefined || ReceiptHandle === undefined || Body === undefined || MD5OfBody === undefined) {
    throw new LocalCloudError('SQS returned a message without MessageId, ReceiptHandle, Body or MD5OfBody', {
      context: { messageId: MessageId, queueArn },
    });
  }
  const record: SQSRecord = {
    messageId: MessageId,
    receiptHandle: ReceiptHandle,
    body: Body,
    attributes: recordAttributes(message.Attributes ?? {}, MessageId),
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, lambdaAttribute(value)]),
    ),
    md5OfBody: MD5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: regionOf(queueArn),
  };
  if (message.MD5OfMessageAttributes !== undefined) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

/** The region field of an ARN (`arn:aws:sqs:<region>:<account>:<name>`). */
export function regionOf(arn: string): string {
  const region = arn.split(':')[3];
  if (!arn.startsWith('arn:') || region === undefined || region === '') {
    throw new LocalCloudError(`"${arn}" is not an SQS queue ARN (arn:aws:sqs:<region>:<account>:<name>)`, { context: { arn } });
  }
  return region;
}

function recordAttributes(attributes: Record<string, string>, messageId: string): SQSRecordAttributes {
  const missing = REQUIRED_ATTRIBUTES.filter((name) => attributes[name] === undefined);
  if (missing.length > 0) {
    throw new LocalCloudError(`SQS returned message ${messageId} without ${missing.join(', ')}; receive with all system attributes`, {
      context: { messageId, missing },
    });
  }
  const result: SQSRecordAttributes = {
    ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '',
    SentTimestamp: attributes.SentTimestamp ?? '',
    SenderId: attributes.SenderId ?? '',
    ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
  };
  for (const name of OPTIONAL_ATTRIBUTES) {
    const value = attributes[name];
    if (value !== undefined) result[name] = value;
  }
  return result;
}

function lambdaAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  // Lambda always sends both list fields, empty: SQS reserves them and never fills them.
  const attribute: SQSMessageAttribute = {
    stringListValues: [],
    binaryListValues: [],
    dataType: value.DataType ?? 'String',
  };
  if (value.StringValue !== undefined) attribute.stringValue = value.StringValue;
  if (value.BinaryValue !== undefined) attribute.binaryValue = Buffer.from(value.BinaryValue).toString('base64');
  return attribute;
}
