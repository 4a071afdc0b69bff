import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FunctionHost } from '../../../local/cloud/lambda-host';
import { UsageMeter } from '../../../local/cloud/meter';
import { waitFor } from '../../helpers/wait-for';

/** Writes the line it is given to stdout, as a function's logger does. */
const BUNDLE = `
exports.handler = async (event) => {
  process.stdout.write(event.line + '\\n');
  return 'ok';
};
`;

describe('FunctionHost log display', () => {
  let assetDir: string;
  const hosts: FunctionHost[] = [];

  beforeAll(() => {
    assetDir = mkdtempSync(join(tmpdir(), 'function-host-log-display-'));
    writeFileSync(join(assetDir, 'index.js'), BUNDLE);
  });
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((created) => created.stop()));
  });
  afterAll(() => rmSync(assetDir, { recursive: true, force: true }));

  it('shows a JSON record as one short line, and meters the bytes of the JSON the function wrote', async () => {
    // Prepare
    const lines: string[] = [];
    const meter = new UsageMeter();
    const host = new FunctionHost(
      { name: 'consumer-payments', arn: 'arn:aws:lambda:us-east-1:000000000000:function:consumer-payments', assetDir, handler: 'index.handler', timeoutSeconds: 5, memoryMb: 256, environment: {}, label: 'consumer-payments' },
      { log: (line) => lines.push(line), meter },
    );
    hosts.push(host);
    const record = JSON.stringify({
      level: 'INFO',
      message: 'job completed',
      service: 'consumer-payments',
      request_id: '8f0c2a3e-2f4b-4b7e-9a0e-1f2e3d4c5b6a',
      function_arn: 'arn:aws:lambda:us-east-1:000000000000:function:consumer-payments',
      job_id: 'j-1',
      attempt: 1,
      duration_ms: 12,
    });

    // Act
    await host.invoke({ line: record });
    await waitFor('the function’s line to show', () => lines.some((line) => line.includes('job completed')));
    await waitFor('the function’s bytes to be metered', () => meter.reading().logBytes >= Buffer.byteLength(record));

    // Assess
    expect(lines).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} consumer-payments INFO job completed job_id=j-1 attempt=1 duration_ms=12$/));
    expect(meter.reading().logBytes).toBe(Buffer.byteLength(record));
  });
});
