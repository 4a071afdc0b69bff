import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppServer, type AppRequest } from './support/app-server';
import { adminApi, partnerCall, postJob, untilStatus } from './support/e2e-context';

/** One request an app got, and what its progress report (if it made one) was answered. */
interface Received extends AppRequest {
  readonly progressStatus?: number;
}

/**
 * A user's app: before answering a delivery it reports progress at the
 * delivery's `webhook-progress-url`, as a worker would while it works.
 */
class ReportingApp {
  public readonly received: Received[] = [];
  private readonly server = new AppServer(async (request) => {
    const progressUrl = request.headers['webhook-progress-url'];
    const progressStatus =
      typeof progressUrl === 'string'
        ? await fetch(progressUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ progress: { stage: 'halfway', percent: 50 } }),
          }).then(
            (answer) => answer.status,
            () => -1,
          )
        : undefined;
    this.received.push({ ...request, ...(progressStatus === undefined ? {} : { progressStatus }) });
    return 200;
  }, '/hooks');

  public start(): Promise<string> {
    return this.server.start();
  }

  public stop(): Promise<void> {
    return this.server.stop();
  }
}

describe('progress, a job\'s data and notify through the local cloud', () => {
  const admin = adminApi();
  const worker = new ReportingApp();
  const listener = new ReportingApp();
  let workerUrl = '';
  let listenerUrl = '';

  beforeAll(async () => {
    [workerUrl, listenerUrl] = await Promise.all([worker.start(), listener.start()]);
  });
  afterAll(async () => {
    await Promise.all([worker.stop(), listener.stop()]);
  });

  const register = async (userId: string, url: string) => {
    const answer = await admin.request('POST', '/admin/endpoints', { body: { user_id: userId, url, body: 'raw', partner: 'acme' } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body.endpoint as { endpoint_id: string; secret: string };
  };

  it('lets the target report progress at the header\'s URL, shows it and the job\'s data, and tells the notify endpoint once', async () => {
    // Prepare: the worker's app gets the job; the listener's app is told when it is final
    const work = await register('progress-worker', workerUrl);
    const told = await register('progress-listener', listenerUrl);

    // Act
    const jobId = await postJob('webhook-delivery', { name: 'render', data: { report: 'r-1' }, endpoint_id: work.endpoint_id, notify: { endpoint_id: told.endpoint_id } });
    const done = await untilStatus(jobId, 'completed');
    const withData = await partnerCall(`/jobs/${jobId}?include=data`);
    const event = await (async () => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const found = listener.received.find((request) => request.body.includes(jobId));
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new Error(`no notify event for ${jobId}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();

    // Assess: the delivery carried its progress URL under the API's local URL, and the report was taken
    const delivery = worker.received.find((request) => request.body === JSON.stringify({ report: 'r-1' }));
    expect(String(delivery?.headers['webhook-progress-url'])).toMatch(new RegExp(`/jobs/${jobId}/progress\\?token=[A-Za-z0-9_-]{22}$`));
    expect(delivery?.progressStatus).toBe(200);
    expect(done).toMatchObject({ status: 'completed', progress: { stage: 'halfway', percent: 50 } });
    expect(withData.json).toMatchObject({ job_id: jobId, data: { report: 'r-1' } });
    // Once final, the same URL is refused with 409
    const late = await fetch(String(delivery?.headers['webhook-progress-url']), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"progress":100}' });
    expect(late.status).toBe(409);
    // The event is signed with the listener's own secret, and says what happened
    const headers = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [name, String(event.headers[name])]));
    expect(() => new Webhook(told.secret).verify(event.body, headers)).not.toThrow();
    expect(JSON.parse(event.body)).toMatchObject({ type: 'job.completed', job_id: jobId, queue: 'webhook-delivery', name: 'render', status: 'completed', attempts: 1 });
    expect(listener.received.filter((request) => request.body.includes(jobId))).toHaveLength(1);
  });

  it('refuses a progress report with a wrong token as 404, with no API key needed', async () => {
    // Act
    const answer = await partnerCall('/jobs/no-such-job/progress?token=guess', { body: { progress: 10 }, key: null });

    // Assess
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
