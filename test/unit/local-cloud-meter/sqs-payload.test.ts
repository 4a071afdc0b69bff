import { describe, expect, it } from 'vitest';
import { messagePayloadBytes, queueUrlIn, receivedPayloadBytes, requestPayloadBytes } from '../../../local/cloud/http/sqs-payload';
import { sqsBilledRequests } from '../../../local/cloud/meter';

const entry = (id: number, bodyBytes: number) => ({ Id: String(id), MessageBody: 'x'.repeat(bodyBytes), MessageAttributes: { kind: { DataType: 'String', StringValue: 'job' } } });

describe('messagePayloadBytes', () => {
  it('counts the body and each attribute’s name, type and value', () => {
    // Act
    const size = messagePayloadBytes({
      MessageBody: 'héllo',
      MessageAttributes: { k: { DataType: 'String', StringValue: 'v' }, bin: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]).toString('base64') } },
    });

    // Assess: 6 (é is two bytes) + (1 + 6 + 1) + (3 + 6 + 3)
    expect(size).toBe(6 + 8 + 12);
  });
});

describe('requestPayloadBytes', () => {
  it('bills a batch of ten small messages as one request, without parsing it', () => {
    // Prepare
    const body = Buffer.from(JSON.stringify({ QueueUrl: 'http://q/jobs', Entries: Array.from({ length: 10 }, (_, id) => entry(id, 512)) }));

    // Act
    const payload = requestPayloadBytes('SendMessageBatch', body);

    // Assess
    expect(payload).toBe(body.length);
    expect(sqsBilledRequests(payload)).toBe(1);
  });

  it('counts only the messages of a large batch, not the JSON around them', () => {
    // Prepare: ten bodies of 13,000 bytes: 130,000 bytes of bodies + 10 × 10 of attributes, under 2 × 64 KiB
    const body = Buffer.from(JSON.stringify({ QueueUrl: 'http://q/jobs', Entries: Array.from({ length: 10 }, (_, id) => entry(id, 13_000)) }));

    // Act
    const payload = requestPayloadBytes('SendMessageBatch', body);

    // Assess
    expect(payload).toBe(10 * (13_000 + 4 + 6 + 3));
    expect(sqsBilledRequests(payload)).toBe(2);
  });

  it('bills a 256 KiB message as four requests', () => {
    // Prepare
    const body = Buffer.from(JSON.stringify({ QueueUrl: 'http://q/jobs', MessageBody: 'x'.repeat(256 * 1024) }));

    // Act
    const payload = requestPayloadBytes('SendMessage', body);

    // Assess
    expect(sqsBilledRequests(payload)).toBe(4);
  });
});

describe('receivedPayloadBytes', () => {
  it('counts the messages a large receive hands out', () => {
    // Prepare
    const messages = Array.from({ length: 3 }, (_, id) => ({ MessageId: String(id), ReceiptHandle: 'r'.repeat(200), Body: 'x'.repeat(30_000) }));
    const answer = Buffer.from(JSON.stringify({ Messages: messages }));

    // Act
    const payload = receivedPayloadBytes(answer);

    // Assess
    expect(payload).toBe(90_000);
  });
});

describe('queueUrlIn', () => {
  it('reads the call’s queue URL, not one quoted inside a message body', () => {
    // Prepare
    const body = Buffer.from(JSON.stringify({ MessageBody: JSON.stringify({ QueueUrl: 'http://q/other.fifo' }), QueueUrl: 'http://q/jobs' }));

    // Act
    const url = queueUrlIn(body);

    // Assess
    expect(url).toBe('http://q/jobs');
  });
});
