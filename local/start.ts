/**
 * `npm start`: synthesizes the CDK app and runs the template it produced on
 * this machine (see "The local cloud" in the design). Arguments after
 * `npm start --` go to `cdk synth`, e.g. `npm start -- -c partners=acme`.
 * `PORT` picks the API port (default 3000).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulators, type Emulators } from './emulators';
import { LocalCloudError } from './errors';
import { startLocalCloud, type LocalCloud } from './cloud/local-cloud';
import { watchParentDeath } from './cloud/parent-watch';
import { assertPortFree } from './cloud/port-check';
import { localCloudFile, readyText } from './cloud/ready-report';
import { StateFile, stopSignals } from './cloud/state-file';
import { startLocalReceiver, type LocalReceiver } from './cloud/receiver';
import { synthesize } from './cloud/synth';
import { synthArguments } from './cloud/synth-args';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STATE_FILE = new StateFile(join(PROJECT_ROOT, '.local-cloud.json'));
const HOST = '127.0.0.1';

const log = (line: string): void => console.log(line);
const aborted = new AbortController();
let cloud: LocalCloud | undefined;
let receiver: LocalReceiver | undefined;
let emulators: Promise<Emulators> | undefined;
let stopping = false;

/**
 * Removes the state file if it is still this run's (its credentials die with
 * the cloud), stops whatever has started, and exits; says why unless `reason`
 * is undefined (a failed start, already explained). The file goes first, at
 * once and synchronously: once stopping has begun the cloud is not there to
 * use, and whatever ends this process before the stop completes (a second
 * Ctrl-C, a SIGKILL from the launcher) cannot leave it behind.
 */
async function shutdown(reason: string | undefined, exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  STATE_FILE.removeIfOurs();
  if (reason !== undefined) log(`\nstopping the local cloud (${reason})…`);
  aborted.abort();
  // Until the cloud has taken the emulators over, they are stopped here.
  if (cloud === undefined) await emulators?.then((running) => running.stop(), () => undefined);
  await cloud?.stop();
  await receiver?.stop();
  process.exit(exitCode);
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
  // Every way out (process.exit included) removes the state file: an exit listener runs synchronously, last.
  process.on('exit', () => STATE_FILE.removeIfOurs());
  const decide = stopSignals(() => Date.now());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      const action = decide();
      // One Ctrl-C reaches this process two or three times (see stopSignals): only a later one is a second Ctrl-C.
      if (action === 'ignore') return;
      // A second Ctrl-C gives up on a clean stop; the emulators' watchdog still stops Java.
      if (action === 'force' || stopping) process.exit(130);
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
  // It holds credentials and keys: readable by this user only. Refused once stopping has begun.
  if (!STATE_FILE.write(`${JSON.stringify(file, null, 2)}\n`)) return;
  // From this process's start: npm and the TypeScript loader add about a second before it.
  log(readyText(file, { seconds: performance.now() / 1000, file: '.local-cloud.json' }));
}

main().catch(async (error: unknown) => {
  if (stopping) return;
  const message = error instanceof LocalCloudError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(`\nnpm start failed: ${message}`);
  await shutdown(undefined, 1);
});
