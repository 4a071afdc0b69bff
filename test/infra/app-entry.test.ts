import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..', '..');
const outdir = mkdtempSync(path.join(tmpdir(), 'app-entry-'));

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Runs `bin/app.ts` as the CDK CLI does: context in `CDK_CONTEXT_JSON`, the assembly to `CDK_OUTDIR`. */
function runApp(context: Record<string, unknown>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
  });
}

describe('bin/app.ts', () => {
  it('prints a context mistake as its message alone and exits 1', () => {
    // Act
    const run = runApp({ stage: 'Bad_Stage' });

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'error: context stage must be 1–15 lowercase letters, digits or dashes starting with a letter; got "Bad_Stage". Fix: -c stage=dev\n',
    );
    expect(run.stdout).toBe('');
  });
});
