import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { FunctionHost, LambdaInvocationError, type FunctionHostOptions, type FunctionSpec } from '../../../local/cloud/lambda-host';
import { waitFor } from '../../helpers/wait-for';

/** A bundle as esbuild would leave it: CommonJS, state at module level. */
const BUNDLE = `
const { threadId } = require('node:worker_threads');
let calls = 0;
const loadedAt = Date.now();
exports.handler = async (event, context) => {
  calls += 1;
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  if (event.throw) throw new TypeError('bad input');
  if (event.exit) process.exit(3);
  return {
    color: process.env.FUNCTION_COLOR,
    threadId,
    calls,
    loadedAt,
    remaining: context.getRemainingTimeInMillis(),
    requestId: context.awsRequestId,
    invokedFunctionArn: context.invokedFunctionArn,
    functionVersion: context.functionVersion,
    initializationType: process.env.AWS_LAMBDA_INITIALIZATION_TYPE,
  };
};
exports.callback = (event, context, callback) => setTimeout(() => callback(null, { via: 'callback' }), 5);
`;

/** Spends at least SLOW_INIT_MS at module load (the INIT phase), then answers at once. */
const SLOW_INIT_MS = 500;
const SLOW_BUNDLE = `
const until = Date.now() + ${SLOW_INIT_MS};
while (Date.now() < until) {}
exports.handler = async () => 'ok';
`;

interface Answer {
  color?: string;
  threadId: number;
  calls: number;
  remaining: number;
  invokedFunctionArn: string;
  functionVersion: string;
  initializationType: string;
}

describe('FunctionHost', () => {
  let assetDir: string;
  const hosts: FunctionHost[] = [];
  const lines: string[] = [];

  const host = (overrides: Partial<FunctionSpec> = {}, options: FunctionHostOptions = {}): FunctionHost => {
    const created = new FunctionHost(
      { name: 'fn', arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn', assetDir, handler: 'index.handler', timeoutSeconds: 1, memoryMb: 128, environment: { FUNCTION_COLOR: 'blue' }, label: 'fn', ...overrides },
      { log: (line) => lines.push(line), localConcurrencyCap: 3, ...options },
    );
    hosts.push(created);
    return created;
  };
  const invoke = async (target: FunctionHost, event: unknown = {}, qualifier?: string): Promise<Answer> =>
    (await target.invoke(event, qualifier === undefined ? {} : { qualifier })) as Answer;

  beforeAll(() => {
    assetDir = mkdtempSync(join(tmpdir(), 'function-host-'));
    writeFileSync(join(assetDir, 'index.js'), BUNDLE);
    writeFileSync(join(assetDir, 'slow.js'), SLOW_BUNDLE);
  });
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((created) => created.stop()));
    lines.splice(0);
  });
  afterAll(() => rmSync(assetDir, { recursive: true, force: true }));

  it('gives each function its own environment, never this process’s', async () => {
    // Act
    const [blue, red] = await Promise.all([invoke(host()), invoke(host({ environment: { FUNCTION_COLOR: 'red' } }))]);

    // Assess
    expect([blue.color, red.color]).toEqual(['blue', 'red']);
    expect(process.env.FUNCTION_COLOR).toBeUndefined();
  });

  it('loads the bundle once per instance and runs one invocation at a time on each', async () => {
    // Prepare
    const target = host();

    // Act: three at once need three instances; then one more reuses a warm one
    const concurrent = await Promise.all([1, 2, 3].map(() => invoke(target, { sleepMs: 100 })));
    const warm = await invoke(target);

    // Assess
    expect(new Set(concurrent.map((answer) => answer.threadId)).size).toBe(3);
    expect(target.instanceCount).toBe(3);
    expect(warm.calls).toBe(2);
    expect(lines.filter((line) => line.includes('cold start'))).toHaveLength(3);
    expect(warm.remaining).toBeGreaterThan(900);
  });

  it('throttles beyond the reserved concurrency, as Lambda does', async () => {
    // Prepare
    const target = host({ reservedConcurrency: 1 });

    // Act
    const results = await Promise.allSettled([invoke(target, { sleepMs: 200 }), invoke(target)]);

    // Assess
    expect(results[0].status).toBe('fulfilled');
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { errorType: 'TooManyRequestsException' } });
  });

  it('queues beyond the local cap when no concurrency is reserved', async () => {
    // Prepare
    const target = host();

    // Act
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => invoke(target, { sleepMs: 50 })));

    // Assess
    expect(answers).toHaveLength(5);
    expect(target.instanceCount).toBe(3);
  });

  it('reports what the handler threw in Lambda’s terms and keeps the instance', async () => {
    // Prepare
    const target = host();

    // Act
    const error = await target.invoke({ throw: true }).catch((thrown: unknown) => thrown);
    const after = await invoke(target);

    // Assess
    expect(error).toBeInstanceOf(LambdaInvocationError);
    expect(error).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input' });
    expect(after.calls).toBe(2);
    expect(lines).toContainEqual(expect.stringContaining('[fn] ERROR Invoke Error {"errorType":"TypeError","errorMessage":"bad input"}'));
  });

  it('ends an instance that times out or exits, and cold-starts a new one', async () => {
    // Prepare
    const target = host();

    // Act
    const timedOut = await target.invoke({ sleepMs: 1_500 }).catch((thrown: unknown) => thrown);
    const exited = await target.invoke({ exit: true }).catch((thrown: unknown) => thrown);
    const fresh = await invoke(target);

    // Assess
    expect(timedOut).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' });
    expect(exited).toMatchObject({ errorType: 'Runtime.ExitError' });
    expect(fresh.calls).toBe(1);
  });

  it('loads an ES module bundle (index.mjs, as the stack builds them) by import()', async () => {
    // Prepare: what esbuild writes for format esm; import.meta and top-level await exist only in an ES module.
    const esmDir = mkdtempSync(join(tmpdir(), 'function-host-esm-'));
    writeFileSync(
      join(esmDir, 'index.mjs'),
      "import { threadId } from 'node:worker_threads';\nconst loadedFrom = await Promise.resolve(import.meta.url);\n" +
        'export const handler = async () => ({ color: process.env.FUNCTION_COLOR, threadId, loadedFrom });\n',
    );

    try {
      // Act
      const answer = (await host({ assetDir: esmDir }).invoke({})) as { color: string; threadId: number; loadedFrom: string };

      // Assess
      expect(answer.color).toBe('blue');
      expect(answer.threadId).toBeGreaterThan(0);
      expect(answer.loadedFrom).toBe(pathToFileURL(join(esmDir, 'index.mjs')).href);
    } finally {
      rmSync(esmDir, { recursive: true, force: true });
    }
  });

  it('runs callback-style handlers and refuses a handler that is not exported', async () => {
    // Act
    const viaCallback = await host({ handler: 'index.callback' }).invoke({});
    const missing = await host({ handler: 'index.nothing' }).invoke({}).catch((thrown: unknown) => thrown);

    // Assess
    expect(viaCallback).toEqual({ via: 'callback' });
    expect(missing).toMatchObject({ errorType: 'Runtime.HandlerNotFound' });
  });

  it("refuses an event over Lambda's 6 MB request payload before starting an instance, and takes one just under it", async () => {
    // Prepare: the event's JSON is the string plus its two quotes.
    const target = host();
    const limit = 6 * 1024 * 1024;

    // Act
    const refused = await target.invoke('x'.repeat(limit - 1)).catch((error: unknown) => error);
    const instancesAfterRefusal = target.instanceCount;
    const taken = await invoke(target, { pad: 'x'.repeat(limit - 100) });

    // Assess
    expect(refused).toBeInstanceOf(LambdaInvocationError);
    expect(refused).toMatchObject({ errorType: 'RequestEntityTooLargeException', errorMessage: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' });
    expect(instancesAfterRefusal).toBe(0);
    expect(taken.color).toBe('blue');
  });
  it('hands the handler the ARN it was invoked with: the alias ARN through an alias, the function ARN without one', async () => {
    // Prepare
    const target = host({ qualifiers: { live: '1', '1': '1' } });

    // Act
    const viaAlias = await invoke(target, {}, 'live');
    const direct = await invoke(target);
    const unknown = await target.invoke({}, { qualifier: 'blue' }).catch((thrown: unknown) => thrown);

    // Assess
    expect(viaAlias).toMatchObject({ invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn:live', functionVersion: '1' });
    expect(direct).toMatchObject({ invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn', functionVersion: '$LATEST' });
    expect(unknown).toMatchObject({ errorType: 'ResourceNotFoundException', errorMessage: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:fn:blue' });
  });

  it('starts provisioned instances before any invocation and keeps them past the idle timeout, reaping on-demand ones beyond them', async () => {
    // Prepare
    const target = host({ provisionedConcurrency: 2 }, { idleTimeoutMs: 300 });

    // Act: pre-warm, then three at once: the two provisioned and one on demand
    await target.provision();
    const afterProvision = target.instanceCount;
    const provisionedLines = lines.filter((line) => /^\[fn\] provisioned: instance \d initialized in \d+ ms$/.test(line));
    const coldStartsBefore = lines.filter((line) => line.includes('cold start')).length;
    const answers = await Promise.all([invoke(target, { sleepMs: 100 }), invoke(target, { sleepMs: 100 }), invoke(target, { sleepMs: 100 })]);
    const atPeak = target.instanceCount;
    await waitFor('the on-demand instance to be reaped', () => target.instanceCount < 3);
    await sleep(600);

    // Assess
    expect(afterProvision).toBe(2);
    expect(provisionedLines).toHaveLength(2);
    expect(coldStartsBefore).toBe(0);
    expect(answers.map((answer) => answer.initializationType).sort()).toEqual(['on-demand', 'provisioned-concurrency', 'provisioned-concurrency']);
    expect(atPeak).toBe(3);
    expect(target.instanceCount).toBe(2);
    expect((await invoke(target)).initializationType).toBe('provisioned-concurrency');
  });

  it('hands an invocation to an idle provisioned instance before an idle on-demand one', async () => {
    // Prepare: the on-demand instance finishes last, so it is the most recently idle
    const target = host({ provisionedConcurrency: 1 });
    await target.provision();
    await Promise.all([invoke(target, { sleepMs: 50 }), invoke(target, { sleepMs: 400 })]);

    // Act
    const next = await invoke(target);

    // Assess
    expect(target.instanceCount).toBe(2);
    expect(next.initializationType).toBe('provisioned-concurrency');
  });

  it('counts provisioned instances against the reserved concurrency, and refuses more of them than it', async () => {
    // Prepare
    const target = host({ provisionedConcurrency: 2, reservedConcurrency: 2 });
    await target.provision();

    // Act
    const results = await Promise.allSettled([1, 2, 3].map(() => invoke(target, { sleepMs: 200 })));
    const refused = (() => {
      try {
        return host({ provisionedConcurrency: 3, reservedConcurrency: 2 });
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect(results.filter((result) => result.status === 'rejected')).toMatchObject([{ reason: { errorType: 'TooManyRequestsException' } }]);
    expect(target.instanceCount).toBe(2);
    expect(refused).toMatchObject({ name: 'LocalCloudError', message: expect.stringContaining('provisioned concurrency 3 exceeds its reserved concurrency 2') });
  });

  it('initializes a provisioned instance again when one ends', async () => {
    // Prepare
    const target = host({ provisionedConcurrency: 1 });
    await target.provision();

    // Act
    const exited = await target.invoke({ exit: true }).catch((thrown: unknown) => thrown);
    await waitFor('the replacement to be initialized', () => lines.some((line) => line.startsWith('[fn] provisioned: instance 2 initialized')));
    const after = await invoke(target);

    // Assess
    expect(exited).toMatchObject({ errorType: 'Runtime.ExitError' });
    expect(target.instanceCount).toBe(1);
    expect(after).toMatchObject({ calls: 1, initializationType: 'provisioned-concurrency' });
  });

  it('bills a cold start’s INIT with its first invocation, but not a provisioned instance’s', async () => {
    // Prepare
    const billed: number[] = [];
    const meter = { lambdaInvocation: (_label: string, durationMs: number) => billed.push(durationMs), logBytes: () => undefined };
    const onDemand = host({ handler: 'slow.handler' }, { meter });
    const provisioned = host({ handler: 'slow.handler', provisionedConcurrency: 1 }, { meter });
    await provisioned.provision();

    // Act
    await onDemand.invoke({});
    await provisioned.invoke({});

    // Assess: the INIT spent at least SLOW_INIT_MS; a handler that answers at once takes far less
    expect(billed).toHaveLength(2);
    expect(billed[0]).toBeGreaterThanOrEqual(SLOW_INIT_MS);
    expect(billed[1]).toBeLessThan(SLOW_INIT_MS);
  });
});
