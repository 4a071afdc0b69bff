import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { dataFor } from '../helpers/job-data';
import { e2eCloud, partnerCall, untilStatus } from './support/e2e-context';

describe('job data schemas and the OpenAPI document through the local cloud', () => {
  it('serves GET /openapi.json to anyone, a valid OpenAPI 3.1 document of the running API', async () => {
    // Act
    const response = await fetch(`${e2eCloud().apiUrl}/openapi.json`);
    const document = (await response.json()) as Record<string, unknown>;
    const result = await new Validator().validate(document);

    // Assess
    expect(response.status).toBe(200);
    expect(result).toEqual({ valid: true });
    expect(Object.keys(document.paths as object)).toEqual(expect.arrayContaining(['/jobs/{id}', '/jobs/payments', '/jobs/email/batch', '/admin/queues']));
  });

  it("refuses a typed queue's bad data at the edge, naming the field, and runs its good data", async () => {
    // Act
    const bad = await partnerCall('/jobs/payments', { body: { data: { intentId: `pi-${Date.now()}`, payload: { amount: 'a lot' } } } });
    const good = await partnerCall('/jobs/payments', { body: { data: dataFor('payments', { intentId: `pi-${Date.now()}` }) } });

    // Assess
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ ok: false, error: { code: 'invalid_request', message: expect.stringMatching(/does not match the request schema.*payload\/amount/) } });
    expect(good.status).toBe(202);
    expect(await untilStatus(good.json.job_id as string, 'completed')).toMatchObject({ queue: 'payments' });
  });

  it('answers a batch with some jobs refused 207, each refusal naming its field, and one with none accepted 400', async () => {
    // Act
    const mixed = await partnerCall('/jobs/email/batch', { body: { jobs: [{ data: dataFor('email') }, { data: { to: 'nobody' } }] } });
    const none = await partnerCall('/jobs/email/batch', { body: { jobs: [{ data: { subject: 'no one to send to' } }] } });

    // Assess
    expect(mixed.status).toBe(207);
    expect(mixed.json).toMatchObject({ ok: false, accepted: 1, rejected: 1 });
    const refused = (mixed.json.results as Record<string, unknown>[])[1];
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_request', details: expect.arrayContaining([{ field: 'data.to', message: expect.stringContaining('email address') }]) } });
    expect(none).toMatchObject({ status: 400, json: { ok: false, accepted: 0, rejected: 1 } });
  });
});
