import { describe, expect, it } from 'vitest';
import { Progress } from '../../../bench/progress';

class Recorder {
  readonly written: string[] = [];
  constructor(readonly isTTY: boolean) {}
  write(text: string): boolean {
    this.written.push(text);
    return true;
  }
}

describe('Progress', () => {
  it('rewrites one line in place on a terminal, and clears it before a line that stays', () => {
    // Prepare
    const stream = new Recorder(true);
    const progress = new Progress(stream);

    // Act
    progress.update('ingest', '10 of 2000 accepted');
    progress.update('ingest', '20 of 2000 accepted');
    progress.done('ingest: done');

    // Assess
    expect(stream.written).toEqual(['\r\x1b[Kingest: 10 of 2000 accepted', '\r\x1b[Kingest: 20 of 2000 accepted', '\r\x1b[K', 'ingest: done\n']);
  });

  it('writes plain lines elsewhere: on each new step, and at most one every 5 s within a step', () => {
    // Prepare
    const stream = new Recorder(false);
    let now = 0;
    const progress = new Progress(stream, () => now);

    // Act
    progress.update('ingest', 'a');
    now = 1000;
    progress.update('ingest', 'b');
    now = 5000;
    progress.update('ingest', 'c');
    now = 5100;
    progress.update('drain', 'd');

    // Assess
    expect(stream.written).toEqual(['ingest: a\n', 'ingest: c\n', 'drain: d\n']);
  });
});
