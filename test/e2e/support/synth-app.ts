import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize } from '../../../local/cloud/synth';

/**
 * Synthesizes a project copy into a fresh temporary cloud assembly, every
 * queue delivering to `targetUrl`/jobs on loopback, with the given context on
 * top; resolves to the assembly's folder (the caller removes it).
 *
 * @example
 * const cdkOut = await synthesizeTestApp({ cwd: copy, targetUrl, name: 'e2e', context: { partners: 'acme' } });
 */
export async function synthesizeTestApp(options: {
  readonly cwd: string;
  readonly targetUrl: string;
  /** Names the temporary folder. */
  readonly name: string;
  readonly context: Readonly<Record<string, string | number>>;
}): Promise<string> {
  const cdkOut = mkdtempSync(join(tmpdir(), `pipeline-${options.name}-out-`));
  const context = { defaultTarget: `${options.targetUrl}/jobs`, allowLoopbackTargets: 'true', ...options.context };
  await synthesize({
    cwd: options.cwd,
    args: ['synth', '--quiet', '--no-notices', '-o', cdkOut, ...Object.entries(context).flatMap(([key, value]) => ['-c', `${key}=${value}`])],
  });
  return cdkOut;
}
