import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions } from './args';
import type { BenchResult } from './results';

/**
 * The name of a run's results file: its start time, with characters file
 * systems dislike replaced.
 *
 * @example
 * resultsFileName(new Date('2026-03-01T09:05:07.123Z')); // '2026-03-01T09-05-07Z.json'
 */
export function resultsFileName(startedAt: Date): string {
  return `${startedAt.toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '-')}.json`;
}

/** Writes a run's results under `dir` (created if needed) and returns the file's path. */
export function saveResults(dir: string, run: { readonly startedAt: Date; readonly options: BenchOptions; readonly results: readonly BenchResult[] }): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, resultsFileName(run.startedAt));
  const machine = { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform };
  writeFileSync(path, `${JSON.stringify({ started_at: run.startedAt.toISOString(), options: run.options, machine, results: run.results }, null, 2)}\n`);
  return path;
}
