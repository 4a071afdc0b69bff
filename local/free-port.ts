import { createServer } from 'node:net';

/**
 * A TCP port free on the loopback interface right now. Another process may
 * take it before the caller binds it, so callers that start a server on it
 * should retry once on "address in use".
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => (port === undefined ? reject(new Error('the OS gave no port')) : resolve(port)));
    });
  });
}
