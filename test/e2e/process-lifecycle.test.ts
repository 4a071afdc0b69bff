import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { e2eCloud } from './support/e2e-context';
import { PROJECT_ROOT } from './support/project-copy';

/** Java processes running DynamoDB Local, by pid. */
function dynamoDbLocalPids(): number[] {
  try {
    return execFileSync('pgrep', ['-f', 'DynamoDBLocal.jar'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/**
 * `npm start` itself, on the assembly the end-to-end run already synthesized
 * (`--app <dir>` makes the synth step reuse it), in a state file of its own.
 */
function npmStart(port: number, options: { readonly ownGroup?: boolean } = {}): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn('npm', ['start', '--', '--app', e2eCloud().cdkOut, '-o', e2eCloud().cdkOut], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, as a terminal's foreground job is: Ctrl-C signals the whole group.
    detached: options.ownGroup === true,
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('npm start as a process', () => {
  let started: ChildProcess | undefined;
  afterEach(() => {
    started?.kill('SIGKILL');
  });

  it('leaves no DynamoDB Local behind when its parent is killed with SIGKILL', async () => {
    // Prepare
    const before = new Set(dynamoDbLocalPids());
    const { child, output } = npmStart(await freePort());
    started = child;
    await until('the local cloud to be ready', () => output().includes('Ctrl-C stops everything'), 120_000);
    const ours = dynamoDbLocalPids().filter((pid) => !before.has(pid));

    // Act
    child.kill('SIGKILL');
    await until('its DynamoDB Local to stop', () => ours.every((pid) => !dynamoDbLocalPids().includes(pid)), 15_000);

    // Assess
    expect(ours.length).toBeGreaterThan(0);
    expect(dynamoDbLocalPids().filter((pid) => ours.includes(pid))).toEqual([]);
  }, 150_000);

  it('removes .local-cloud.json on Ctrl-C, which reaches npm, the loader and the cloud at once and is relayed again', async () => {
    // Prepare
    const stateFile = join(PROJECT_ROOT, '.local-cloud.json');
    const { child, output } = npmStart(await freePort(), { ownGroup: true });
    started = child;
    await until('the local cloud to be ready', () => output().includes('Ctrl-C stops everything'), 120_000);
    const writtenAtReady = existsSync(stateFile);

    // Act: what a terminal does on Ctrl-C, twice in quick succession as an impatient person might
    process.kill(-(child.pid ?? 0), 'SIGINT');
    process.kill(-(child.pid ?? 0), 'SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    // Assess
    expect(writtenAtReady).toBe(true);
    expect(existsSync(stateFile)).toBe(false);
    expect(code).not.toBe(0);
  }, 150_000);

  it('prints a job to post that the pipeline accepts and completes, and the read that shows it', async () => {
    // Prepare
    const { child, output } = npmStart(await freePort());
    started = child;
    await until('the local cloud to be ready', () => output().includes('Ctrl-C stops everything'), 120_000);
    const post = /curl -s -X POST (\S+) -H 'x-api-key: ([^']+)' -H 'content-type: application\/json' \\\n\s+-d '(.*)' \|/.exec(output());
    const read = /curl -s "(\S+)\$JOB_ID\?wait=10"/.exec(output());
    if (post === null || read === null) throw new Error(`no post and read commands in:\n${output()}`);
    const [, url = '', key = '', body = ''] = post;

    // Act: the commands as printed (the body holds no single quote, so the shell passes it as is)
    const posted = await fetch(url, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body });
    const { job_id: jobId } = (await posted.json()) as { job_id: string };
    const job = (await (await fetch(`${read[1] ?? ''}${jobId}?wait=10`, { headers: { 'x-api-key': key } })).json()) as Record<string, unknown>;

    // Assess
    expect(posted.status).toBe(202);
    expect(job).toMatchObject({ job_id: jobId, status: 'completed' });
  }, 150_000);

  it('fails at once with a clear message when its port is busy', async () => {
    // Prepare: the end-to-end cloud's own port is taken
    const port = Number(new URL(e2eCloud().apiUrl).port);

    // Act
    const { child, output } = npmStart(port);
    started = child;
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    // Assess
    expect(code).not.toBe(0);
    expect(output()).toMatch(new RegExp(`port ${port}|${port}.*in use|in use`));
  }, 60_000);
});
