import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { buildWebhookRequest } from '../../../functions/processors/webhook-request';
import { generateSigningSecret } from '../../../functions/processors/webhook-signature';
import { A_JOB_ID, A_RUN_ID, aJobMessage, FIXED_NOW } from '../../helpers/factories';

const secret = generateSigningSecret();

describe('buildWebhookRequest', () => {
  it('sends the job, not the queue message, as snake_case JSON', () => {
    // Prepare
    const job = aJobMessage({ data: { intentId: 'intent-42', amount: 1000 }, correlationId: 'corr-1' });

    // Act
    const { body } = buildWebhookRequest({ job, attempt: 2, timestamp: FIXED_NOW, secret, userAgent: 'test/1' });

    // Assess
    expect(JSON.parse(body)).toEqual({
      job_id: A_JOB_ID,
      queue: 'payments',
      name: 'stk_push',
      attempt: 2,
      data: { intentId: 'intent-42', amount: 1000 },
      correlation_id: 'corr-1',
    });
  });

  it('sets the content type, user agent, attempt, correlation id and the signature headers', () => {
    // Act
    const { headers } = buildWebhookRequest({ job: aJobMessage(), attempt: 3, timestamp: FIXED_NOW, secret, userAgent: 'test/1' });

    // Assess
    expect(headers).toEqual({
      'content-type': 'application/json',
      'user-agent': 'test/1',
      'webhook-id': A_RUN_ID,
      'webhook-timestamp': String(FIXED_NOW.getTime() / 1000),
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
      'x-job-attempt': '3',
      'x-correlation-id': 'corr-1',
    });
  });

  it('leaves the correlation id out when the job has none', () => {
    // Act
    const { body, headers } = buildWebhookRequest({
      job: aJobMessage({ correlationId: undefined }),
      attempt: 1,
      timestamp: FIXED_NOW,
      secret,
      userAgent: 'test/1',
    });

    // Assess
    expect(JSON.parse(body)).not.toHaveProperty('correlation_id');
    expect(headers).not.toHaveProperty('x-correlation-id');
  });

  it('keeps the webhook id across attempts and signs each attempt afresh', () => {
    // Prepare
    const job = aJobMessage();

    // Act
    const first = buildWebhookRequest({ job, attempt: 1, timestamp: FIXED_NOW, secret, userAgent: 'test/1' });
    const second = buildWebhookRequest({ job, attempt: 2, timestamp: new Date(FIXED_NOW.getTime() + 60_000), secret, userAgent: 'test/1' });

    // Assess
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.headers['webhook-signature']).not.toBe(first.headers['webhook-signature']);
  });

  it('signs the exact body it returns', () => {
    // Prepare
    const job = aJobMessage({ data: { note: 'ünïcödé ✓' } });

    // Act
    const { body, headers } = buildWebhookRequest({ job, attempt: 1, timestamp: new Date(), secret, userAgent: 'test/1' });

    // Assess
    expect(new Webhook(secret).verify(body, headers)).toMatchObject({ data: { note: 'ünïcödé ✓' } });
  });

  it('fails as validation when the data cannot be serialized', () => {
    // Prepare
    const job = aJobMessage({ data: { amount: 10n } });

    // Act
    const build = (): unknown => buildWebhookRequest({ job, attempt: 1, timestamp: FIXED_NOW, secret, userAgent: 'test/1' });

    // Assess
    expect(build).toThrow(expect.objectContaining({ category: 'validation' }));
  });

  it('sends a raw job\'s original bytes as they came, signed as sent', () => {
    // Prepare: the text as received, spacing and key order included, which JSON.stringify would not keep.
    const raw = '{ "Body":{"stkCallback":{"ResultCode":0, "Amount":1.00}} }';
    const job = aJobMessage({ data: JSON.parse(raw) as unknown, raw });

    // Act
    const { body, headers } = buildWebhookRequest({ job, attempt: 1, timestamp: new Date(), secret, userAgent: 'test/1', body: 'raw' });

    // Assess
    expect(body).toBe(raw);
    expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
  });

  it('sends a raw job without original bytes as its data in JSON', () => {
    // Act
    const { body } = buildWebhookRequest({ job: aJobMessage({ data: { amount: 1000 } }), attempt: 1, timestamp: FIXED_NOW, secret, userAgent: 'test/1', body: 'raw' });

    // Assess
    expect(body).toBe('{"amount":1000}');
  });

  it('sends static headers beside its own, which win over a static one of the same name in any case', () => {
    // Act
    const { headers } = buildWebhookRequest({
      job: aJobMessage(),
      attempt: 1,
      timestamp: FIXED_NOW,
      secret,
      userAgent: 'test/1',
      headers: { Authorization: 'Bearer app-token', 'Content-Type': 'text/plain', 'X-Job-Attempt': '99' },
    });

    // Assess
    expect(headers).toMatchObject({ authorization: 'Bearer app-token', 'content-type': 'application/json', 'x-job-attempt': '1' });
    expect(Object.keys(headers).filter((name) => name.toLowerCase() === 'content-type')).toEqual(['content-type']);
  });
});
