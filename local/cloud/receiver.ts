import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One delivery the receiver got. */
export interface ReceivedDelivery {
  readonly queue: string;
  readonly jobId: string;
  readonly attempt: number;
  /** Whether the Standard Webhooks signature verified with the queue's signing secret. */
  readonly verified: boolean;
}

/** The built-in target of queues that were given none. */
export interface LocalReceiver {
  /** Base URL to pass as `defaultTarget`; each queue's jobs arrive at `<url>/<queue>`. */
  readonly url: string;
  readonly port: number;
  /** The deliveries so far, oldest first (the last 1,000). */
  readonly deliveries: readonly ReceivedDelivery[];
  /** The secret each queue signs with, to verify deliveries; set once the cloud has generated them. */
  setSigningSecrets(secrets: Readonly<Record<string, string>>): void;
  stop(): Promise<void>;
}

/** Where the receiver listens. */
export interface StartLocalReceiverOptions {
  /** @default - a free port */
  readonly port?: number;
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** @default console.log */
  readonly log?: (line: string) => void;
}

const KEPT = 1_000;
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * A local HTTP target that accepts every delivery with `200`, logging the
 * queue, job id, attempt and whether the signature verified with that queue's
 * signing secret (never the payload: it may hold personal data). It is what
 * queues deliver to when `npm start` is given no `-c targets.<queue>`, so a
 * demo shows jobs flowing end to end.
 *
 * @example
 * const receiver = await startLocalReceiver();
 * // cdk synth -c defaultTarget=${receiver.url}
 * receiver.setSigningSecrets(cloud.signingSecrets);
 */
export async function startLocalReceiver(options: StartLocalReceiverOptions = {}): Promise<LocalReceiver> {
  const log = options.log ?? ((line: string) => console.log(line));
  const deliveries: ReceivedDelivery[] = [];
  let secrets: Readonly<Record<string, string>> = {};

  const receive = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) break;
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    let body: { queue?: unknown; job_id?: unknown; attempt?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // Not a delivery of ours; it is still logged and answered.
    }
    const queue = typeof body.queue === 'string' ? body.queue : (request.url ?? '/').split('/').filter(Boolean).pop() ?? '?';
    const secret = secrets[queue];
    let verified = false;
    if (secret !== undefined) {
      try {
        new Webhook(secret).verify(text, request.headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
    }
    const delivery: ReceivedDelivery = { queue, jobId: String(body.job_id ?? '?'), attempt: Number(body.attempt ?? 0), verified };
    deliveries.push(delivery);
    deliveries.splice(0, Math.max(0, deliveries.length - KEPT));
    const signature = secret === undefined ? 'no signing secret known for this queue' : verified ? 'signature verified' : 'signature NOT verified';
    log(`[receiver] ${queue} job ${delivery.jobId} attempt ${delivery.attempt}: ${signature}`);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ received: true }));
  };

  const server = createServer((request, response) => {
    receive(request, response).catch((error: unknown) => {
      log(`[receiver] could not handle a request: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/deliveries`,
    port,
    deliveries,
    setSigningSecrets: (next) => {
      secrets = { ...next };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
