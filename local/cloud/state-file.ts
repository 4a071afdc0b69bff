import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * The `.local-cloud.json` of one run: written once the cloud is ready, and
 * removed (only if it is still this run's) synchronously, so it can be done
 * from a signal handler or an `exit` listener, where nothing asynchronous runs.
 *
 * @example
 * const state = new StateFile('/project/.local-cloud.json');
 * state.write(text);
 * process.on('exit', () => state.removeIfOurs());
 */
export class StateFile {
  private written: string | undefined;
  private closed = false;

  public constructor(private readonly path: string) {}

  /** Writes the file (readable by this user only: it holds credentials); refused once {@link close} has run. */
  public write(text: string): boolean {
    if (this.closed) return false;
    writeFileSync(this.path, text, { mode: 0o600 });
    this.written = text;
    return true;
  }

  /** Removes the file if it still holds what this run wrote, and refuses any later write. */
  public removeIfOurs(): void {
    this.closed = true;
    if (this.written === undefined) return;
    let current: string | undefined;
    try {
      current = readFileSync(this.path, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === this.written) rmSync(this.path, { force: true });
    this.written = undefined;
  }
}

/** What to do on a stop signal. */
export type SignalAction = 'stop' | 'ignore' | 'force';

/**
 * Signals this soon after the first are the same Ctrl-C arriving again: the
 * terminal sends SIGINT to the whole process group (npm, the TypeScript
 * loader and this process), npm forwards it to its child, and the loader
 * relays what it gets to this process, which so sees two or three SIGINTs.
 */
export const ECHO_WINDOW_MS = 2000;

/**
 * Decides what a stop signal does: the first stops cleanly; one within
 * {@link ECHO_WINDOW_MS} of it is an echo and is ignored; a later one (a
 * person pressing Ctrl-C again) gives up on a clean stop.
 *
 * @example
 * const decide = stopSignals(() => Date.now());
 * process.on('SIGINT', () => { if (decide() === 'stop') void shutdown(); });
 */
export function stopSignals(now: () => number): () => SignalAction {
  let firstAt: number | undefined;
  return () => {
    const at = now();
    if (firstAt === undefined) {
      firstAt = at;
      return 'stop';
    }
    return at - firstAt < ECHO_WINDOW_MS ? 'ignore' : 'force';
  };
}
