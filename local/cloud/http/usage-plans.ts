import { quotaPeriodStart, type QuotaPeriod } from './quota-period';
import { TokenBucket, type ThrottleSettings } from './token-bucket';

/** A usage plan's quota: at most `limit` requests per key in each period. */
export interface QuotaSettings {
  readonly limit: number;
  readonly period: QuotaPeriod;
  /** The day a period starts on (WEEK: 0 = Sunday; MONTH: days after the 1st). @default 0 */
  readonly offset?: number;
}

/** An API Gateway usage plan: the keys it holds and the limits each of them gets. */
export interface UsagePlan extends ThrottleSettings {
  /** A name for logs. @default - none */
  readonly name?: string;
  /** The values of the API keys in the plan. */
  readonly apiKeyValues: readonly string[];
  /** @default - no quota */
  readonly quota?: QuotaSettings;
}

/** What the gate says of one request: go ahead, over the rate (429 Too Many Requests), or over the quota (429 Limit Exceeded). */
export type Admission = 'ok' | 'throttled' | 'quota';

interface KeyState {
  readonly bucket: TokenBucket | undefined;
  readonly quota: QuotaSettings | undefined;
  periodStart: number;
  used: number;
}

/**
 * Admits or refuses requests as API Gateway's usage plans and stage throttling
 * do. Each API key gets its own token bucket (the plan's rate and burst) and
 * its own quota counter, reset when the UTC period turns; the stage's bucket is
 * shared by every request, with or without a key. A request refused by one
 * limit uses up nothing of the others, and only admitted requests count
 * against the quota.
 *
 * @example
 * const gate = new UsagePlanGate([{ apiKeyValues: ['k1'], rateLimit: 10, burstLimit: 20, quota: { limit: 1000, period: 'DAY' } }]);
 * gate.admit('k1', Date.now()); // 'ok'
 */
export class UsagePlanGate {
  private readonly keys = new Map<string, KeyState>();
  private readonly stage: TokenBucket | undefined;

  /**
   * @param plans - the stage's usage plans; a key in several plans gets the first one's limits
   * @param stageThrottle - the stage's own default throttling, shared by all callers. @default - none
   */
  constructor(plans: UsagePlan[], stageThrottle?: ThrottleSettings) {
    for (const plan of plans) {
      for (const value of plan.apiKeyValues) {
        if (this.keys.has(value)) continue;
        this.keys.set(value, { bucket: TokenBucket.from(plan), quota: plan.quota, periodStart: Number.NaN, used: 0 });
      }
    }
    this.stage = TokenBucket.from(stageThrottle);
  }

  /**
   * Decides one request at `now` (epoch ms). `apiKeyValue` is the key the
   * request was admitted with, or undefined on a method that needs none (then
   * only the stage's throttle applies). A key in no plan has no limits of its
   * own: whether such a key may call at all is the gateway's decision.
   */
  admit(apiKeyValue: string | undefined, now: number): Admission {
    const key = apiKeyValue === undefined ? undefined : this.keys.get(apiKeyValue);
    if (key?.quota !== undefined) {
      const periodStart = quotaPeriodStart(key.quota.period, now, key.quota.offset);
      if (periodStart !== key.periodStart) {
        key.periodStart = periodStart;
        key.used = 0;
      }
      if (key.used >= key.quota.limit) return 'quota';
    }
    if (key?.bucket !== undefined && !key.bucket.has(now)) return 'throttled';
    if (this.stage !== undefined && !this.stage.has(now)) return 'throttled';
    key?.bucket?.tryTake(now);
    this.stage?.tryTake(now);
    if (key !== undefined) key.used += 1;
    return 'ok';
  }
}
