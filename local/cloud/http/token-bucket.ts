/** Throttle settings as API Gateway names them: a steady rate and a burst. */
export interface ThrottleSettings {
  /** Requests per second the bucket refills with. @default - no throttling */
  readonly rateLimit?: number;
  /** The bucket's size: how many requests may come at once. @default - the rate, rounded up (at least 1) */
  readonly burstLimit?: number;
}

/**
 * The token bucket API Gateway throttles with: it starts full with `burst`
 * tokens, refills at `rate` tokens a second, and each admitted request takes
 * one. Time comes from the caller, so tests need no clock.
 *
 * @example
 * const bucket = TokenBucket.from({ rateLimit: 5, burstLimit: 10 });
 * bucket?.tryTake(Date.now());
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number | undefined;

  private constructor(
    private readonly rate: number,
    private readonly capacity: number,
  ) {
    this.tokens = capacity;
  }

  /** A bucket for the settings, or undefined when they set no rate (nothing to throttle). */
  static from(settings: ThrottleSettings | undefined): TokenBucket | undefined {
    const rate = settings?.rateLimit;
    if (rate === undefined) return undefined;
    const capacity = settings?.burstLimit ?? Math.max(1, Math.ceil(rate));
    return new TokenBucket(Math.max(0, rate), Math.max(0, capacity));
  }

  /** Whether a token is there at `now` (ms), without taking it. */
  has(now: number): boolean {
    this.refill(now);
    return this.tokens >= 1;
  }

  /** Takes a token if there is one at `now` (ms); false means throttled. */
  tryTake(now: number): boolean {
    if (!this.has(now)) return false;
    this.tokens -= 1;
    return true;
  }

  private refill(now: number): void {
    if (this.updatedAt !== undefined && now > this.updatedAt) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.rate);
    }
    if (this.updatedAt === undefined || now > this.updatedAt) this.updatedAt = now;
  }
}
