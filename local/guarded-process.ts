import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalCloudError } from './errors';

/**
 * A POSIX shell watchdog between Node and the guarded program. Node holds the
 * write end of the watchdog's stdin and never writes; the kernel closes it
 * however Node ends (exit, signal, SIGKILL), so end-of-file on stdin is the one
 * reliable "parent is gone" signal. The watchdog then stops the program: TERM,
 * and KILL if it is still there 5 s later. A normal `stop()` closes the pipe
 * too, so both paths run the same code.
 *
 * fd 3 keeps a copy of the pipe for the watcher because a background job's
 * stdin is /dev/null in a non-interactive shell. The program gets neither.
 */
const WATCHDOG_SCRIPT = `
exec 3<&0
"$@" 3<&- </dev/null &
child=$!
echo "guarded-pid $child"
( while read -r _line; do :; done; kill -TERM "$child" 2>/dev/null; sleep 5; kill -KILL "$child" 2>/dev/null ) <&3 >/dev/null 2>&1 &
watcher=$!
exec 3<&-
trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
status=0
wait "$child" || status=$?
while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done
kill "$watcher" 2>/dev/null
exit "$status"
`;

const PID_LINE = /^guarded-pid (\d+)$/m;

/** How many lines of the program's output are kept for error messages. */
const OUTPUT_LINES_KEPT = 40;

/** A program that dies with the Node process that started it. */
export interface GuardedProcess {
  /** Process id of the program itself (not of its watchdog). */
  readonly pid: number;
  /** Settles with the program's exit code once it has gone, for whatever reason. */
  readonly exited: Promise<number | null>;
  /** The program's latest output lines, stdout and stderr interleaved. */
  recentOutput(): string;
  /** Stops the program and waits until it has exited. */
  stop(): Promise<void>;
}

/** Where and how to run the guarded program. */
export interface GuardedProcessOptions {
  /** Working directory. @default - this process's */
  readonly cwd?: string;
  /** Environment. @default - this process's */
  readonly env?: NodeJS.ProcessEnv;
  /** How long `stop()` waits for a clean exit before killing. @default 10000 */
  readonly stopTimeoutMs?: number;
}

/**
 * Runs `command args…` behind a watchdog so that it cannot outlive this
 * process, even when this process is SIGKILLed. Resolves once the program has
 * been started (not once it is ready: readiness is the caller's to check).
 *
 * @example
 * const java = await spawnGuarded('java', ['-jar', 'server.jar']);
 * await java.stop();
 */
export async function spawnGuarded(
  command: string,
  args: readonly string[],
  options: GuardedProcessOptions = {},
): Promise<GuardedProcess> {
  // Detached: a terminal's Ctrl-C reaches Node alone, which then exits or calls
  // stop(); either way the watchdog sees the pipe close and stops the program.
  const watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'guard', command, ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  // The pipe is only ever closed; an EPIPE after the watchdog died is expected.
  watchdog.stdin.on('error', () => undefined);

  const lines: string[] = [];
  let pending = '';
  let resolvePid: (pid: number) => void = () => undefined;
  const pidReported = new Promise<number>((resolve) => (resolvePid = resolve));
  const collect = (chunk: Buffer): void => {
    pending += chunk.toString('utf8');
    const pid = PID_LINE.exec(pending);
    if (pid?.[1] !== undefined) resolvePid(Number(pid[1]));
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    lines.push(...complete.filter((line) => !PID_LINE.test(line)));
    lines.splice(0, Math.max(0, lines.length - OUTPUT_LINES_KEPT));
  };
  watchdog.stdout.on('data', collect);
  watchdog.stderr.on('data', collect);
  const recentOutput = (): string => [...lines, pending].join('\n').trim();

  // 'close' rather than 'exit': the program shares the watchdog's output pipes,
  // so they close only once both have gone and the last output has been read.
  let gone = false;
  const exited = new Promise<number | null>((resolve, reject) => {
    watchdog.once('error', reject);
    watchdog.once('close', (code) => {
      gone = true;
      resolve(code);
    });
  });
  const pid = await Promise.race([
    pidReported,
    exited.then((code) => {
      throw new LocalCloudError(`the watchdog for ${command} exited (code ${code}) before starting it`, {
        context: { command, output: recentOutput() },
      });
    }),
  ]);

  let stopping: Promise<void> | undefined;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (gone) return;
      const done = exited.then(
        () => true,
        () => true,
      );
      watchdog.stdin.end();
      const timer = new AbortController();
      const timedOut = sleep(stopTimeoutMs, false, { signal: timer.signal }).catch(() => true);
      const clean = await Promise.race([done, timedOut]);
      timer.abort();
      if (clean) return;
      // The program ignored TERM for too long: kill both, then wait for the watchdog.
      for (const target of [pid, watchdog.pid]) {
        if (target === undefined) continue;
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      await done;
    })();
    return stopping;
  };

  return { pid, exited: exited.catch(() => null), recentOutput, stop };
}
