import { randomUUID } from 'node:crypto';
import { queueUrl } from '../functions/core/queue-names';
import { EmulatorStartError } from './errors';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './local-aws';

/** A running SQS emulator. */
export interface SqsEmulator {
  /** Base URL for the SDK's `endpoint`, e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  readonly port: number;
  /** What `queueUrl(base, name)` needs to build this emulator's queue URLs. */
  readonly queueUrlBase: string;
  /** Stops the emulator; its queues and messages are gone. */
  stop(): Promise<void>;
}

/** How to start the SQS emulator. */
export interface StartSqsEmulatorOptions {
  /** Port to listen on. @default - a free port chosen by the OS */
  readonly port?: number;
}

/**
 * The emulator builds queue URLs as `http://sqs.<region>.<host>:<port>/<account>/<name>`.
 * With its default host (`localhost`) that host does not resolve here, and the
 * SDK sends each call to its QueueUrl's host unless the client was given an
 * explicit `endpoint`: clients configured only through `AWS_ENDPOINT_URL_SQS`
 * (as functions in the local cloud are) would fail. Ending the host with
 * `@127.0.0.1` turns the prefix into URL user info, so each queue URL's origin
 * is the emulator's own endpoint and both kinds of client reach it.
 */
const URL_HOST = 'local@127.0.0.1';

/**
 * Starts the SQS emulator in this process on the loopback interface.
 *
 * @example
 * const sqs = await startSqsEmulator();
 * const url = queueUrl(sqs.queueUrlBase, 'jobs-email');
 * await sqs.stop();
 */
export async function startSqsEmulator(options: StartSqsEmulatorOptions = {}): Promise<SqsEmulator> {
  // The emulator ships as an ES module only: a dynamic import loads it from
  // CommonJS callers too, such as scripts run with tsx in this package.
  const { startFauxqs } = await import('fauxqs');
  const server = await startFauxqs({
    port: options.port ?? 0,
    logger: false,
    host: URL_HOST,
    defaultRegion: LOCAL_REGION,
  });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const queueUrlBase = `http://sqs.${LOCAL_REGION}.${URL_HOST}:${server.port}/${LOCAL_ACCOUNT_ID}`;

  // The URL format is the emulator's, not ours: check it once so a change in
  // the emulator fails here, not as "queue does not exist" somewhere later.
  const probeName = `url-probe-${randomUUID().slice(0, 8)}`;
  const probe = server.createQueue(probeName);
  server.deleteQueue(probeName);
  if (probe.queueUrl !== queueUrl(queueUrlBase, probeName)) {
    await server.stop();
    throw new EmulatorStartError(
      `the SQS emulator builds queue URLs as ${probe.queueUrl}, not under ${queueUrlBase}; update the URL format in local/sqs-emulator.ts`,
      { context: { queueUrlBase, probeUrl: probe.queueUrl } },
    );
  }

  return { endpoint, port: server.port, queueUrlBase, stop: () => server.stop() };
}
