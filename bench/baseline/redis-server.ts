import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort } from '../../local/free-port';
import { spawnGuarded, type GuardedProcess } from '../../local/guarded-process';
import { BENCH_ERROR, BenchError } from '../errors';

/** A redis-server of the bench's own, on a free loopback port, without persistence. */
export interface RedisServer {
  readonly port: number;
  stop(): Promise<void>;
}

/** The first `redis-server` on PATH (and the system folders a root PATH may lack), if any. */
export function findRedisServer(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  return dirs.map((dir) => join(dir, 'redis-server')).find((path) => existsSync(path));
}

/**
 * Finds `redis-server`, installing the distribution's package when it is
 * missing (telling `say` so), and fails with the command to run by hand when
 * it cannot.
 *
 * @throws BenchError with code `prerequisite` when redis-server is missing and cannot be installed
 */
export function ensureRedisServer(say: (line: string) => void): string {
  const found = findRedisServer();
  if (found !== undefined) return found;
  say('redis-server is missing: installing the redis-server package (apt-get update, apt-get install -y redis-server)…');
  const update = spawnSync('apt-get', ['update'], { stdio: 'ignore' });
  const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', 'redis-server'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }) : update;
  const installed = findRedisServer();
  if (install.status !== 0 || installed === undefined) {
    throw new BenchError(
      BENCH_ERROR.prerequisite,
      '--against bullmq needs redis-server, which is missing and could not be installed here. Fix: sudo apt-get update && sudo apt-get install -y redis-server',
    );
  }
  say('redis-server installed');
  return installed;
}

/**
 * Starts `redis-server` on a free port with no snapshots and no append-only
 * file, behind the local cloud's watchdog (it dies with this process), and
 * waits until it accepts connections.
 *
 * @throws BenchError with code `prerequisite` when it does not start within 10 s
 */
export async function startRedisServer(binary: string): Promise<RedisServer> {
  const port = await findFreePort();
  const server: GuardedProcess = await spawnGuarded(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes']);
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (Date.now() > deadline) {
      await server.stop();
      throw new BenchError(BENCH_ERROR.prerequisite, `redis-server did not start on port ${port} within 10 s:\n${server.recentOutput()}`);
    }
    await sleep(100);
  }
  return { port, stop: () => server.stop() };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
