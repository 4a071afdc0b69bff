import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { reserveFreePort } from '../../../local/free-port';

/** Listens on the port, answering with the error code when it cannot. */
function listenOn(port: number): Promise<{ server?: Server; code?: string }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve({ code: error.code }));
    server.listen(port, '127.0.0.1', () => resolve({ server }));
  });
}

describe('reserveFreePort', () => {
  it('holds the port until released, then lets the real server bind it', async () => {
    // Prepare
    const reservation = await reserveFreePort();

    // Act
    const whileHeld = await listenOn(reservation.port);
    await reservation.release();
    await reservation.release();
    const afterRelease = await listenOn(reservation.port);

    // Assess
    expect(whileHeld.code).toBe('EADDRINUSE');
    expect(afterRelease.code).toBeUndefined();
    await new Promise<void>((resolve) => afterRelease.server?.close(() => resolve()));
  });
});
