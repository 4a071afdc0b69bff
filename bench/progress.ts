/** Where progress goes: a stream that may be a terminal. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): boolean;
}

/** How often a plain (non-terminal) stream gets a line, in ms: often enough to see it live, rarely enough to read. */
const PLAIN_EVERY_MS = 5000;

/**
 * The progress line shown while a scenario runs. On a terminal it is one line
 * rewritten in place; elsewhere (a log, a pipe) each update is a plain line,
 * at most one every few seconds unless the step changes.
 *
 * @example
 * const progress = new Progress(process.stderr);
 * progress.update('ingest', '1,200 of 2,000 accepted');
 * progress.done('ingest: 79 jobs/s');
 */
export class Progress {
  private lastStep = '';
  private lastPlainAt = Number.NEGATIVE_INFINITY;
  private onLine = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Shows where `step` is now. */
  update(step: string, detail: string): void {
    const text = `${step}: ${detail}`;
    if (this.stream.isTTY === true) {
      this.stream.write(`\r\x1b[K${text}`);
      this.onLine = true;
    } else if (step !== this.lastStep || this.now() - this.lastPlainAt >= PLAIN_EVERY_MS) {
      this.stream.write(`${text}\n`);
      this.lastPlainAt = this.now();
    }
    this.lastStep = step;
  }

  /** Ends the current step with a line that stays. */
  done(line: string): void {
    this.clear();
    this.stream.write(`${line}\n`);
    this.lastStep = '';
  }

  /** Removes the rewritten line, if one is showing, before other output. */
  clear(): void {
    if (this.onLine) this.stream.write('\r\x1b[K');
    this.onLine = false;
  }
}
