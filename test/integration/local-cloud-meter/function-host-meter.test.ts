import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FunctionHost, type FunctionSpec } from '../../../local/cloud/lambda-host';
import { UsageMeter } from '../../../local/cloud/meter';
import { waitFor } from '../../helpers/wait-for';

/** Spends at least `ms` at module load (the INIT phase) and as long as asked per invocation, and logs known lines. */
const BUNDLE = `
const spin = (ms) => { const until = Date.now() + ms; while (Date.now() < until) {} };
spin(60);
exports.handler = async (event) => {
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  if (event.log) console.log(event.log);
  if (event.warn) console.error(event.warn);
  if (event.throw) throw new Error('failed on purpose');
  return 'ok';
};
`;

const MEMORY_MB = 512;

describe('FunctionHost metering', () => {
  let assetDir: string;
  const hosts: FunctionHost[] = [];

  const host = (meter: UsageMeter, overrides: Partial<FunctionSpec> = {}): FunctionHost => {
    const created = new FunctionHost(
      { name: 'fn-meter', arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn-meter', assetDir, handler: 'index.handler', timeoutSeconds: 5, memoryMb: MEMORY_MB, environment: {}, label: 'metered', ...overrides },
      { log: () => undefined, meter },
    );
    hosts.push(created);
    return created;
  };
  /** Billed milliseconds behind a GB-second figure at this memory size. */
  const billedMs = (gbSeconds: number): number => Math.round((gbSeconds * 1000 * 1024) / MEMORY_MB);

  beforeAll(() => {
    assetDir = mkdtempSync(join(tmpdir(), 'function-host-meter-'));
    writeFileSync(join(assetDir, 'index.js'), BUNDLE);
  });
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((created) => created.stop()));
  });
  afterAll(() => rmSync(assetDir, { recursive: true, force: true }));

  it('bills whole milliseconds × memory, with the INIT phase on the cold start', async () => {
    // Prepare
    const meter = new UsageMeter();
    const target = host(meter);

    // Act
    await target.invoke({});
    const cold = meter.reading().byFunction.metered?.gbSeconds ?? 0;
    await target.invoke({ sleepMs: 30 });
    const reading = meter.reading();
    const warm = (reading.byFunction.metered?.gbSeconds ?? 0) - cold;

    // Assess: whole milliseconds; the cold one spent at least 60 ms loading, the warm one at least 30 ms waiting
    expect(reading.lambdaInvocations).toBe(2);
    expect(Number.isInteger((cold * 1000 * 1024) / MEMORY_MB)).toBe(true);
    expect(billedMs(cold)).toBeGreaterThanOrEqual(60);
    expect(billedMs(warm)).toBeGreaterThanOrEqual(30);
    expect(reading.lambdaGbSeconds).toBeCloseTo(cold + warm, 12);
  });

  it('bills failed invocations too', async () => {
    // Prepare
    const meter = new UsageMeter();
    const target = host(meter);

    // Act
    await expect(target.invoke({ throw: true })).rejects.toThrow('failed on purpose');

    // Assess
    expect(meter.reading().lambdaInvocations).toBe(1);
  });

  it('counts the bytes of each line the function writes to stdout and stderr, without line breaks', async () => {
    // Prepare
    const meter = new UsageMeter();
    const target = host(meter);
    const line = JSON.stringify({ level: 'INFO', message: 'job completed', job_id: 'é'.repeat(10) });

    // Act
    await target.invoke({ log: line });
    await target.invoke({ warn: 'a\nbc' });
    const expected = Buffer.byteLength(line, 'utf8') + 3;
    await waitFor('the function’s output to arrive', () => meter.reading().logBytes >= expected);

    // Assess
    expect(meter.reading().logBytes).toBe(expected);
    expect(meter.reading().byFunction.metered?.logBytes).toBe(expected);
  });
});
