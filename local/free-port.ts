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

/** A port held by a listening placeholder until {@link PortReservation.release}. */
export interface PortReservation {
  readonly port: number;
  /** Closes the placeholder, so the real server can bind the port right after. */
  release(): Promise<void>;
}

/**
 * A free port on `host`, held by a listening placeholder: while a caller
 * starts other servers on ephemeral ports (which the OS may hand any free
 * number), none can be given this one. Release it just before binding it.
 */
export function reserveFreePort(host = '127.0.0.1'): Promise<PortReservation> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      if (typeof address !== 'object' || address === null) {
        server.close();
        reject(new Error('the OS gave no port'));
        return;
      }
      let released: Promise<void> | undefined;
      resolve({
        port: address.port,
        release: () => (released ??= new Promise<void>((done) => server.close(() => done()))),
      });
    });
  });
}
