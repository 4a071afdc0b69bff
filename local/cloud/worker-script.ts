import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

let compiled: string | undefined;

/**
 * The function instances' runtime (`lambda-worker.ts`) as one CommonJS script
 * for `new Worker(code, { eval: true })`. It is compiled here rather than
 * loaded as TypeScript because a worker does not inherit the TypeScript loader
 * the local cloud itself runs under (tsx, or a test runner's), and starting
 * workers with one would slow every cold start. Compiled once per process
 * (a few milliseconds).
 */
export function workerScript(): string {
  if (compiled !== undefined) return compiled;
  const result = buildSync({
    entryPoints: [join(here(), 'lambda-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild produced no output for lambda-worker.ts');
  compiled = output.text;
  return compiled;
}

/** This module's directory, under CommonJS and ES modules alike. */
function here(): string {
  return typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
}
