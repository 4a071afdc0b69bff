import { createServer } from 'node:net';
import { LocalCloudError } from '../errors';

/**
 * Resolves when `port` can be listened on, and fails at once, with a message
 * saying what to do, when it is taken: checked before anything slow starts,
 * so a second `npm start` says so in a moment rather than after a synth.
 *
 * @throws LocalCloudError when the port is in use or cannot be bound
 * @example
 * await assertPortFree(3000, '127.0.0.1');
 */
export function assertPortFree(port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new LocalCloudError(
          error.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is in use (is the local cloud already running?); stop it, or pick another port: PORT=${port + 1} npm start`
            : `cannot listen on ${host}:${port}: ${error.message}`,
          { cause: error, context: { host, port } },
        ),
      ),
    );
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
