import { systemClock, type Clock } from '../../../functions/adapters/clock';

/** The real clock moved forward by hand, to make hours pass in a test. */
export class ShiftedClock implements Clock {
  private offsetMs = 0;

  public now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  public sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms, signal);
  }

  /** Moves the clock forward. */
  public advance(ms: number): void {
    this.offsetMs += ms;
  }
}
