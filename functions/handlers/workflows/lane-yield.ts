import type { QueueClient } from '../../adapters/queue-client';
import { lanesAbove, type Lane } from '../../core/lanes';

/** How long a lane's view of the lanes above it stays fresh. */
const PROBE_TTL_MS = 1000;

/**
 * Tells a lower lane whether a higher lane of its queue has a backlog, so it can
 * yield. Counts are cached for a second per container: a cheap, slightly stale
 * view is enough to keep urgent jobs from waiting behind normal ones.
 */
export class LaneYield {
  private cached?: { at: number; busy: boolean };

  public constructor(
    private readonly queues: QueueClient,
    private readonly laneUrls: Readonly<Record<string, string>>,
  ) {}

  /** True when a lane above `lane` has visible messages waiting. */
  public async shouldYield(lane: Lane, nowMs: number): Promise<boolean> {
    const above = lanesAbove(lane);
    if (above.length === 0) return false;
    if (this.cached && nowMs - this.cached.at < PROBE_TTL_MS) return this.cached.busy;
    const counts = await Promise.all(
      above.map((level) => {
        const url = this.laneUrls[level];
        return url ? this.queues.backlog(url) : Promise.resolve(0);
      }),
    );
    const busy = counts.some((count) => count > 0);
    this.cached = { at: nowMs, busy };
    return busy;
  }
}
