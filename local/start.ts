/**
 * `npm start`: synthesizes the CDK app and runs the template it produced on
 * this machine (see "The local cloud" in the design). Arguments after
 * `npm start --` go to `cdk synth`, e.g. `npm start -- -c partners=acme`.
 * `PORT` picks the API port (default 3000).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulators, type Emulators } from './emulators';
import { LocalCloudError } from './errors';
import { startLocalCloud, type LocalCloud } from './cloud/local-cloud';
import { watchParentDeath } from './cloud/parent-watch';
import { assertPortFree } from './cloud/port-check';
import { localCloudFile, readyText } from './cloud/ready-report';
import { startLocalReceiver, type LocalReceiver } from './cloud/receiver';
import { synthesize } from './cloud/synth';
import { synthArguments } from './cloud/synth-args';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STATE_FILE = join(PROJECT_ROOT, '.local-cloud.json');
const HOST = '127.0.0.1';

const log = (line: string): void => console.log(line);
const aborted = new AbortController();
let cloud: LocalCloud | undefined;
let receiver: LocalReceiver | undefined;
let emulators: Promise<Emulators> | undefined;
/** What this run wrote to the state file, so that it removes only its own. */
let written: string | undefined;
let stopping = false;

/**
 * Stops whatever has started, removes the state file if it is still this run's
 * (its credentials die with the cloud), and exits; says why unless `reason` is
 * undefined (a failed start, already explained).
 */
async function shutdown(reason: string | undefined, exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (reason !== undefined) log(`\nstopping the local cloud (${reason})…`);
  aborted.abort();
  // Until the cloud has taken the emulators over, they are stopped here.
  if (cloud === undefined) await emulators?.then((running) => running.stop(), () => undefined);
  await cloud?.stop();
  await receiver?.stop();
  if (written !== undefined && readIfPresent(STATE_FILE) === written) rmSync(STATE_FILE, { force: true });
  process.exit(exitCode);
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function portFromEnvironment(): number {
  const text = process.env.PORT ?? '3000';
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new LocalCloudError(`PORT must be a port number from 1 to 65535; got "${text}". Fix: PORT=3000 npm start`);
  }
  return port;
}

/** Shows synth progress on one rewritten line on a terminal; elsewhere (logs, tests) nothing, to keep them short. */
function progress(step: string, count: number): void {
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[Ksynthesizing the CDK app: ${step} (${count})`);
}

async function main(): Promise<void> {
  // The warning is about this machine's Node (older than Lambda's), not the app.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // A second Ctrl-C while stopping gives up on a clean stop; the emulators' watchdog still stops Java.
      if (stopping) process.exit(130);
      void shutdown(signal, signal === 'SIGINT' ? 130 : 143);
    });
  }
  watchParentDeath(() => void shutdown('the process that started it has gone', 1));

  const port = portFromEnvironment();
  await assertPortFree(port, HOST);
  receiver = await startLocalReceiver({ host: HOST, log });
  const synth = synthArguments(process.argv.slice(2), { defaultTarget: receiver.url });
  log(`synthesizing the CDK app: cdk ${synth.args.join(' ')}`);
  const synthStarted = performance.now();
  // DynamoDB Local takes seconds to start: it starts while the app synthesizes.
  emulators = startEmulators();
  const [synthesized] = await Promise.allSettled([
    synthesize({ cwd: PROJECT_ROOT, args: synth.args, onProgress: progress, signal: aborted.signal }).then(() => performance.now()),
    emulators,
  ]);
  if (synthesized.status === 'rejected') throw synthesized.reason;
  if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
  log(`synthesized in ${((synthesized.value - synthStarted) / 1000).toFixed(1)} s; starting the local cloud…`);

  const running = await emulators;
  cloud = await startLocalCloud({ cdkOut: resolve(PROJECT_ROOT, synth.outdir), port, host: HOST, receiver, log, emulators: running });
  if (stopping) return;
  const file = localCloudFile(cloud);
  written = `${JSON.stringify(file, null, 2)}\n`;
  // It holds credentials and keys: readable by this user only.
  writeFileSync(STATE_FILE, written, { mode: 0o600 });
  // From this process's start: npm and the TypeScript loader add about a second before it.
  log(readyText(file, { seconds: performance.now() / 1000, file: '.local-cloud.json' }));
}

main().catch(async (error: unknown) => {
  if (stopping) return;
  const message = error instanceof LocalCloudError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(`\nnpm start failed: ${message}`);
  await shutdown(undefined, 1);
});
