import { readFileSync } from 'node:fs';

/** One process of the launch chain and the parent it had at start-up. */
interface Link {
  readonly pid: number;
  readonly ppid: number;
}

/**
 * Calls `onGone` once when whatever launched this process dies, however it
 * dies (SIGKILL included), by polling, so it needs no stdin.
 *
 * `npm start` runs this process under a chain of launchers (npm → sh → the
 * tsx CLI → node); killing npm leaves the others running, reparented. So on
 * Linux the whole chain is watched: this process and each ancestor that is
 * part of the npm script (its environment has `npm_lifecycle_event`) or is
 * the tsx CLI; if any of them is gone or has a new parent, the launcher has
 * died. Elsewhere only this process's own parent is watched.
 *
 * @returns a function that stops watching
 * @example
 * const unwatch = watchParentDeath(() => void shutdown('the parent process died'));
 */
export function watchParentDeath(onGone: () => void, intervalMs = 1_000): () => void {
  const chain = launchChain();
  const ownParent = process.ppid;
  const timer = setInterval(() => {
    const broken = process.ppid !== ownParent || chain.some((link) => parentOf(link.pid) !== link.ppid);
    if (!broken) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** This process and its launcher ancestors, each with its parent now. */
function launchChain(): Link[] {
  const chain: Link[] = [];
  let pid = process.pid;
  for (let depth = 0; depth < 10; depth++) {
    const ppid = parentOf(pid);
    if (ppid === undefined || ppid <= 1) break;
    chain.push({ pid, ppid });
    if (!isLauncher(ppid)) break;
    pid = ppid;
  }
  return chain;
}

/** The parent of `pid`, from `/proc`; undefined when it is gone (or there is no `/proc`). */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields after it start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

function isLauncher(pid: number): boolean {
  try {
    if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').some((entry) => entry.startsWith('npm_lifecycle_event='))) return true;
    return /(^|\/)tsx(\0|$)|tsx\/dist\/cli/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}
