import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ECHO_WINDOW_MS, StateFile, stopSignals } from '../../../local/cloud/state-file';

const aPath = () => join(mkdtempSync(join(tmpdir(), 'state-file-')), '.local-cloud.json');

describe('StateFile', () => {
  it('writes the file readable by its owner only, and removes it when it is still this run’s', () => {
    // Prepare
    const path = aPath();
    const state = new StateFile(path);

    // Act
    state.write('{"api_url":"x"}\n');
    const mode = statSync(path).mode & 0o777;
    state.removeIfOurs();

    // Assess
    expect(mode).toBe(0o600);
    expect(existsSync(path)).toBe(false);
  });

  it('leaves a file another run has written since', () => {
    // Prepare
    const path = aPath();
    const state = new StateFile(path);
    state.write('ours\n');
    writeFileSync(path, 'theirs\n');

    // Act
    state.removeIfOurs();

    // Assess
    expect(readFileSync(path, 'utf8')).toBe('theirs\n');
  });

  it('refuses to write once stopping has removed it, so a cloud that finishes starting late leaves no file', () => {
    // Prepare
    const path = aPath();
    const state = new StateFile(path);
    state.removeIfOurs();

    // Act
    const written = state.write('late\n');

    // Assess
    expect(written).toBe(false);
    expect(existsSync(path)).toBe(false);
  });
});

describe('stopSignals', () => {
  it('stops on the first signal, ignores the echoes of the same Ctrl-C, and gives up on a later one', () => {
    // Prepare
    let now = 1_000;
    const decide = stopSignals(() => now);

    // Act
    const first = decide();
    now += 5;
    const relayed = decide();
    now += 40;
    const forwarded = decide();
    now += ECHO_WINDOW_MS;
    const second = decide();

    // Assess
    expect([first, relayed, forwarded, second]).toEqual(['stop', 'ignore', 'ignore', 'force']);
  });
});
