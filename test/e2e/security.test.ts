import { describe, expect, it } from 'vitest';
import { adminApi, deliveriesOf, e2eCloud, partnerCall, untilStatus } from './support/e2e-context';
import { dataFor } from '../helpers/job-data';

/** The two partners these tests keep apart; both with the default limits (globex is held to 1 request a second). */
const ACME = 'acme';
const INITECH = 'initech';

function keyOf(partner: string): string {
  const key = e2eCloud().apiKeys[partner];
  if (key === undefined) throw new Error(`the local cloud has no API key for partner ${partner}`);
  return key;
}

async function postAs(partner: string, queue: string, body: Record<string, unknown>) {
  return partnerCall(`/jobs/${queue}`, { body, key: keyOf(partner) });
}

/** Asserts an answer is the API's error envelope with this status and code. */
function expectRefusal(answer: { status: number; json: Record<string, unknown> }, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.json).toMatchObject({ ok: false, error: { code, message: expect.any(String) } });
}

describe('partners kept apart, through the local cloud', () => {
  it("answers 404 job_not_found to another partner's read, long-poll and cancel, exactly as for an unknown id", async () => {
    // Prepare: acme's job waits a minute, so it is still cancellable at the end
    const added = await postAs(ACME, 'email', { data: dataFor('email', { to: 'acme-only@example.com' }), delay: 60_000 });
    const jobId = added.json.job_id as string;
    const unknownId = `${jobId.slice(0, -4)}zzzz`;

    // Act
    const read = await partnerCall(`/jobs/${jobId}`, { key: keyOf(INITECH) });
    const waited = await partnerCall(`/jobs/${jobId}?wait=2`, { key: keyOf(INITECH) });
    const cancel = await partnerCall(`/jobs/${jobId}`, { method: 'DELETE', key: keyOf(INITECH) });
    const unknown = await partnerCall(`/jobs/${unknownId}`, { key: keyOf(INITECH) });
    const own = await partnerCall(`/jobs/${jobId}`, { key: keyOf(ACME) });

    // Assess
    expect(added.status).toBe(202);
    for (const answer of [read, waited, cancel, unknown]) expectRefusal(answer, 404, 'job_not_found');
    const messageOf = (answer: typeof read, id: string) => String((answer.json.error as { message: string }).message).replace(id, '<id>');
    expect(messageOf(read, jobId)).toBe(messageOf(unknown, unknownId));
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ job_id: jobId, status: 'delayed' });

    // Clean up: the owner can still cancel it
    const ownCancel = await partnerCall(`/jobs/${jobId}`, { method: 'DELETE', key: keyOf(ACME) });
    expect(ownCancel.json).toMatchObject({ status: 'cancelled' });
  });

  it('gives two partners sending the same dedup key two jobs that both run, and still deduplicates within a partner', async () => {
    // Prepare
    const body = { data: { intent: 'shared-intent' }, dedup_key: `intent-${Date.now()}` };

    // Act
    const first = await postAs(ACME, 'credit-score-calculation', body);
    const twin = await postAs(ACME, 'credit-score-calculation', body);
    const other = await postAs(INITECH, 'credit-score-calculation', body);
    const acmeJob = first.json.job_id as string;
    const initechJob = other.json.job_id as string;
    await untilStatus(acmeJob, 'completed', 45_000);
    const initechDone = await partnerCall(`/jobs/${initechJob}?wait=20`, { key: keyOf(INITECH) });

    // Assess
    expect(first.status).toBe(202);
    expect(twin.status === 200 ? twin.json : { duplicate: 'ran twice' }).toMatchObject({ duplicate: true, job_id: acmeJob });
    expect(other.status).toBe(202);
    expect(initechJob).not.toBe(acmeJob);
    expect(initechDone.json).toMatchObject({ job_id: initechJob, status: 'completed' });
    expect(await deliveriesOf(acmeJob)).toHaveLength(1);
    expect(await deliveriesOf(initechJob)).toHaveLength(1);
  });

  it("shows admins every partner's failed jobs with their partner", async () => {
    // Act
    const failing = await postAs(INITECH, 'order-routing', { data: { respond: [403] } });
    const jobId = failing.json.job_id as string;
    await partnerCall(`/jobs/${jobId}?wait=20`, { key: keyOf(INITECH) });
    const listed = await adminApi().request('GET', '/admin/queues/order-routing/failed');

    // Assess
    const jobs = listed.body.jobs as { job_id: string; partner?: string }[];
    expect(jobs).toContainEqual(expect.objectContaining({ job_id: jobId, partner: INITECH }));
  });
});

describe('the public surface, through the local cloud', () => {
  it('says only that the service is up on the public /health', async () => {
    // Act
    const health = await partnerCall('/health', { key: null });

    // Assess
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ ok: true, status: 'ok' });
    expect(JSON.stringify(health.json)).not.toMatch(/queue|waiting|failed|dlq/);
  });

  it('refuses /health/queue without a key, and answers a key from one snapshot at most 15 s old', async () => {
    // Act
    const anonymous = await partnerCall('/health/queue', { key: null });
    const first = await partnerCall('/health/queue', { key: keyOf(ACME) });
    const second = await partnerCall('/health/queue', { key: keyOf(INITECH) });

    // Assess
    expectRefusal(anonymous, 403, 'forbidden');
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ ok: true, age_seconds: expect.any(Number), queues: expect.any(Object) });
    expect(first.json.age_seconds as number).toBeLessThanOrEqual(15);
    expect(second.json.computed_at).toBe(first.json.computed_at);
  });

  it("answers every refusal the gateway makes itself in the API's error envelope", async () => {
    // Act
    const noKey = await partnerCall('/jobs/email', { body: { data: 1 }, key: null });
    const wrongKey = await partnerCall('/jobs/email', { body: { data: 1 }, key: 'not-a-key' });
    const noRoute = await partnerCall('/no/such/route');
    const unsigned = await fetch(`${e2eCloud().apiUrl}/admin/queues`);
    const globex = keyOf('globex');
    const burst = await Promise.all(Array.from({ length: 6 }, () => partnerCall('/jobs/no-such-job-id', { key: globex })));
    const huge = await fetch(`${e2eCloud().apiUrl}/jobs/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': keyOf(ACME) },
      body: JSON.stringify({ data: 'x'.repeat(11 * 1024 * 1024) }),
    });

    // Assess
    expectRefusal(noKey, 403, 'forbidden');
    expectRefusal(wrongKey, 403, 'forbidden');
    expectRefusal(noRoute, 403, 'forbidden');
    expectRefusal({ status: unsigned.status, json: (await unsigned.json()) as Record<string, unknown> }, 403, 'forbidden');
    const throttled = burst.find((answer) => answer.status === 429);
    expect(throttled).toBeDefined();
    expectRefusal(throttled ?? { status: 0, json: {} }, 429, 'rate_limited');
    expectRefusal({ status: huge.status, json: (await huge.json()) as Record<string, unknown> }, 413, 'payload_too_large');
  });

  it('refuses job data over the queue limit with 413 naming the limit, and writes nothing', async () => {
    // Act: email takes at most 256 KiB of data (an email its data schema takes, so the edge model passes it)
    const answer = await postAs(ACME, 'email', { data: dataFor('email', { body: 'x'.repeat(300 * 1024) }) });

    // Assess
    expectRefusal(answer, 413, 'payload_too_large');
    expect((answer.json.error as { message: string }).message).toMatch(/262144|256 KiB/);
  });
});
