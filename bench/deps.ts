import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Installs the bench's own dependencies (the BullMQ baseline's) into
 * `bench/node_modules` the first time the bench runs, so they never become the
 * project's. Returns whether they are there.
 */
export function ensureBenchDependencies(benchDir: string, say: (line: string) => void): boolean {
  if (existsSync(join(benchDir, 'node_modules'))) return true;
  say('first run: installing the bench\'s own dependencies (npm install --prefix bench)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--prefix', benchDir, '--no-audit', '--no-fund'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return result.status === 0 && existsSync(join(benchDir, 'node_modules'));
}
