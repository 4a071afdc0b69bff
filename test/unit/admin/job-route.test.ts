import { describe, expect, it } from 'vitest';
import { jobView } from '../../../functions/handlers/workflows/job-view';
import { anApiGatewayEvent, aJobRecord, OTHER_PARTNER } from '../../helpers/factories';
import { lambdaContext } from '../../integration/support/lambda-context';
import { fakeAdmin } from './admin-fakes';

/** `GET /admin/jobs/{id}` through the admin handler, as API Gateway calls it. */
async function readJob(admin: ReturnType<typeof fakeAdmin>, id: string) {
  const event = anApiGatewayEvent({ httpMethod: 'GET', resource: '/admin/jobs/{id}', path: `/admin/jobs/${id}`, pathParameters: { id }, body: null });
  const response = await admin.handler(event, lambdaContext('admin'));
  return { status: response.statusCode, json: JSON.parse(response.body) as Record<string, unknown> };
}

describe('GET /admin/jobs/{id}', () => {
  it("shows any partner's job in the view partners get, partner included", async () => {
    // Prepare
    const admin = fakeAdmin();
    const job = aJobRecord({
      jobId: 'j-globex',
      partner: OTHER_PARTNER,
      status: 'retrying',
      attempts: 1,
      history: [{ attempt: 1, at: '2026-01-01T00:00:00.000Z', outcome: 'retrying', category: 'server', message: 'target answered 503', durationMs: 20, retryInMs: 2000 }],
    });
    admin.jobs.set(job.jobId, job);

    // Act
    const answer = await readJob(admin, 'j-globex');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(jobView(job));
    expect(answer.json).toMatchObject({ ok: true, job_id: 'j-globex', partner: OTHER_PARTNER, history: [{ retry_in_ms: 2000 }] });
  });

  it('answers 404 job_not_found for an id no job has', async () => {
    // Act
    const answer = await readJob(fakeAdmin(), 'j-missing');

    // Assess
    expect(answer).toMatchObject({ status: 404, json: { ok: false, error: { code: 'job_not_found', message: 'there is no job with id "j-missing"' } } });
  });

  it('refuses a malformed id with 400 before reading anything', async () => {
    // Prepare
    const admin = fakeAdmin();
    let reads = 0;
    const get = admin.deps.store.get;
    admin.deps.store.get = async (jobId) => {
      reads += 1;
      return get(jobId);
    };

    // Act
    const answer = await readJob(admin, 'a b');

    // Assess
    expect(answer).toMatchObject({ status: 400, json: { error: { code: 'invalid_request', details: [{ field: 'id' }] } } });
    expect(reads).toBe(0);
  });
});
