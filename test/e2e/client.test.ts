import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkAddError, Job } from '../../client/src/index';
import { AppServer } from './support/app-server';
import { adminApi, e2eCloud, partnerCall } from './support/e2e-context';
import { PROJECT_ROOT } from './support/project-copy';

const run = promisify(execFile);

/** The packed client's module, typed as its sources. */
type ClientModule = typeof import('../../client/src/index');

let client: ClientModule;
let workDir: string;
/** A job two hours off, added first so the shared counts (refreshed every 15 s) have seen it by the last test. */
let later: Job | undefined;

/** A queue of the packed client, as partner acme. */
function queue<Name extends string>(name: Name) {
  const cloud = e2eCloud();
  return new client.Queue(name, { url: cloud.apiUrl, apiKey: cloud.apiKeys.acme ?? '' });
}

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

describe('the packed client (job-pipeline-client) against the local cloud', () => {
  beforeAll(async () => {
    // Build, pack and unpack it as a user would get it, then import the tarball's entry, not the sources.
    workDir = mkdtempSync(join(tmpdir(), 'pipeline-client-'));
    await run('npm', ['run', 'build:client'], { cwd: PROJECT_ROOT });
    await run('npm', ['pack', './client', '--pack-destination', workDir], { cwd: PROJECT_ROOT });
    const tarball = readdirSync(workDir).find((file) => file.endsWith('.tgz'));
    if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${workDir}`);
    await run('tar', ['-xzf', join(workDir, tarball), '-C', workDir]);
    client = (await import(pathToFileURL(join(workDir, 'package', 'dist', 'index.js')).href)) as ClientModule;
    later = await queue('order-routing').add('route', { much: 'later' }, { delay: 2 * 60 * 60 * 1000 });
  });

  afterAll(() => {
    if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
  });

  it("packs dist's JavaScript and type declarations, its package.json and README, and nothing else", () => {
    // Act
    const files = readdirSync(join(workDir, 'package'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(join(workDir, 'package').length + 1));

    // Assess
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/queue-types.d.ts']));
    expect(files.filter((file) => !/^dist\/[\w-]+\.(js|d\.ts)$/.test(file)).sort()).toEqual(['README.md', 'package.json']);
  });

  it('adds a job with BullMQ options, waits until it finishes, and reads it back', async () => {
    // Prepare
    const payments = queue('payments');
    const intentId = unique('pi');

    // Act
    const data = { intentId, payload: { action: 'stk_push', amount: 1000 } };
    const job = await payments.add('stk_push', data, { jobId: intentId, priority: 1, attempts: 2 });
    const result = await job.waitUntilFinished(30_000);
    const read = await payments.getJob(job.id);
    const raw = await partnerCall(`/jobs/${job.id}`);

    // Assess: priority 1 ran in the urgent lane, and attempts reached the server
    expect(job).toBeInstanceOf(client.Job);
    expect(result).toMatchObject({ status: 200 });
    expect(job).toMatchObject({ status: 'completed', attemptsMade: 1, returnvalue: result });
    expect(read).toMatchObject({ id: job.id, name: 'stk_push', queueName: 'payments', attemptsMade: 1, returnvalue: result, opts: { attempts: 2 } });
    // The server's copy of the data once it returns one (include=data), else none
    expect([undefined, data]).toContainEqual(read?.data);
    await expect(read?.getState()).resolves.toBe('completed');
    expect(raw.json).toMatchObject({ priority: 'urgent', max_attempts: 2, status: 'completed' });
  });

  it('rejects waitUntilFinished with the failure reason of a job that failed', async () => {
    // Prepare: the target answers 403, which is not retried
    const routing = queue('order-routing');
    const job = await routing.add('route', { respond: [403] });

    // Act
    const failure = await job.waitUntilFinished(30_000).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(client.JobFailedError);
    expect(failure).toMatchObject({ code: 'job_failed', details: { category: 'auth' } });
    expect((failure as InstanceType<ClientModule['JobFailedError']>).failedReason).toMatch(/403/);
    await expect(job.getState()).resolves.toBe('failed');
  });

  it('removes a delayed job, which then never runs', async () => {
    // Prepare
    const routing = queue('order-routing');
    const job = await routing.add('route', { later: true }, { delay: 60_000 });

    // Act
    const before = await job.getState();
    await job.remove();
    const after = await job.getState();
    const wait = await job.waitUntilFinished(1000).catch((error: unknown) => error);

    // Assess
    expect(before).toBe('delayed');
    expect(after).toBe('unknown');
    expect(job.status).toBe('cancelled');
    expect(wait).toBeInstanceOf(client.JobCancelledError);
    await expect(job.remove()).resolves.toBeUndefined();
  });

  it('refuses to remove a job that already finished, naming its state', async () => {
    // Prepare
    const job = await queue('order-routing').add('route', {});
    await job.waitUntilFinished(30_000);

    // Act
    const refusal = await job.remove().catch((error: unknown) => error);

    // Assess
    expect(refusal).toBeInstanceOf(client.JobNotCancellableError);
    expect(refusal).toMatchObject({ status: 409, code: 'not_cancellable', state: 'completed' });
  });

  it('adds in bulk, and reports each job of a partly refused batch in order', async () => {
    // Prepare
    const email = queue('email');
    const mail = (to: string) => ({ to, subject: 'Hello', template: 'welcome' });

    // Act
    const added = await email.addBulk([
      { name: 'welcome', data: mail('a@example.com') },
      { name: 'welcome', data: mail('b@example.com'), opts: { priority: 5 } },
    ]);
    // order-routing does not deduplicate: the server refuses a jobId (dedup_key) there, job by job
    const refused = await queue('order-routing')
      .addBulk([
        { name: 'route', data: { n: 1 } },
        { name: 'route', data: { n: 2 }, opts: { jobId: unique('r') } },
        { name: 'route', data: { n: 3 } },
      ])
      .catch((error: unknown) => error);

    // Assess
    expect(added.map((job) => job.status)).toEqual(['waiting', 'waiting']);
    await Promise.all(added.map(async (job) => expect(await job.waitUntilFinished(30_000)).toMatchObject({ status: 200 })));
    expect(refused).toBeInstanceOf(client.BulkAddError);
    const results = (refused as BulkAddError<Job>).results;
    expect(results.map((result) => (result.job === undefined ? 'refused' : 'accepted'))).toEqual(['accepted', 'refused', 'accepted']);
    expect(results[0]?.job).toBeInstanceOf(client.Job);
    expect(results[1]?.error).toMatchObject({ code: 'invalid_request', details: [expect.objectContaining({ field: 'dedup_key' })] });
    expect(results[2]?.job?.data).toEqual({ n: 3 });
  });

  it('refuses a BullMQ option it does not support, before sending anything', async () => {
    // Act
    const refusal = await queue('email')
      .add('welcome', { to: 'a@example.com', subject: 's', template: 't' }, { removeOnComplete: true } as never)
      .catch((error: unknown) => error);

    // Assess
    expect(refusal).toBeInstanceOf(client.UnsupportedOptionError);
    expect(refusal).toMatchObject({ code: 'unsupported_option', option: 'removeOnComplete' });
  });

  it("counts the queue's jobs as they are now, in BullMQ's types, a job delayed beyond SQS's 15 minutes among them", async () => {
    // Prepare
    const routing = queue('order-routing');
    expect(later).toBeDefined();

    // Act: the counts are at most 15 s old; read until they include the job added before the first test
    let counts = await routing.getJobCounts();
    for (let reads = 1; (counts.delayed ?? 0) < 1 && reads < 20; reads++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      counts = await routing.getJobCounts();
    }
    const named = await routing.getJobCounts('waiting', 'delayed');

    // Assess
    expect(Object.keys(counts).sort()).toEqual(['active', 'completed', 'delayed', 'failed', 'paused', 'prioritized', 'waiting', 'waiting-children']);
    for (const count of Object.values(counts)) expect(Number.isInteger(count) && count >= 0).toBe(true);
    expect(counts.delayed).toBeGreaterThanOrEqual(1);
    expect(Object.keys(named).sort()).toEqual(['delayed', 'paused', 'waiting']);
    await expect(routing.getJobCounts('finished' as never)).rejects.toBeInstanceOf(client.InvalidOptionError);
    await later?.remove();
  });

  it("follows a job's progress as its target reports it, and delivers to the endpoint named by endpointId", async () => {
    // Prepare: a user's app that reports progress at the delivery's URL before it answers
    const reports: number[] = [];
    const app = new AppServer(async (request) => {
      const url = request.headers['webhook-progress-url'];
      if (typeof url === 'string') {
        const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ progress: { step: 'rendered', percent: 80 } }) });
        reports.push(answer.status);
      }
      return 200;
    }, '/work');
    const appUrl = await app.start();
    try {
      const registered = await adminApi().request('POST', '/admin/endpoints', { body: { user_id: unique('client-app'), url: appUrl, partner: 'acme' } });
      expect(registered.status, JSON.stringify(registered.body)).toBe(201);
      const endpointId = (registered.body.endpoint as { endpoint_id: string }).endpoint_id;

      // Act
      const job = await queue('webhook-delivery').add('render', { report: 'r-7' }, { endpointId });
      const before = job.progress;
      await job.waitUntilFinished(30_000);

      // Assess
      expect(before).toBe(0);
      expect(reports).toEqual([200]);
      expect(job.progress).toEqual({ step: 'rendered', percent: 80 });
      await expect(job.getState()).resolves.toBe('completed');
    } finally {
      await app.stop();
    }
  });
});
