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

/**
 * A stage's method throttling (`MethodSettings`): the `/*` `*` entry is the
 * default each method gets for itself, and an entry for one resource path and
 * method overrides it there.
 */
export interface MethodThrottles {
  /** The stage default, applied to each method separately. @default - none */
  readonly default?: ThrottleSettings;
  /** Per-method settings; a field left out is the default's. @default - none */
  readonly methods?: readonly MethodThrottle[];
}

/** One method's own throttle. */
export interface MethodThrottle extends ThrottleSettings {
  /** The resource path as routes name it, e.g. `/health/queue` (not the `~1`-escaped form of the template). */
  readonly resourcePath: string;
  /** `GET`, `POST`, …, or `*` for every method of the resource. */
  readonly httpMethod: string;
}

/** The method a request resolved to, for its throttle. */
export interface MethodKey {
  readonly resourcePath: string;
  readonly httpMethod: string;
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
 * Admits or refuses requests as API Gateway's usage plans and method
 * throttling do. Each API key gets its own token bucket (the plan's rate and
 * burst, across all methods) and its own quota counter, reset when the UTC
 * period turns; each method gets its own bucket from the stage's method
 * settings (its own entry, else the stage default), shared by every caller of
 * that method, with or without a key. A request refused by one limit uses up
 * nothing of the others, and only admitted requests count against the quota.
 *
 * @example
 * const gate = new UsagePlanGate([{ apiKeyValues: ['k1'], rateLimit: 10, burstLimit: 20, quota: { limit: 1000, period: 'DAY' } }]);
 * gate.admit('k1', Date.now(), { resourcePath: '/jobs/{id}', httpMethod: 'POST' }); // 'ok'
 */
export class UsagePlanGate {
  private readonly keys = new Map<string, KeyState>();
  /** Each method's bucket, made on its first request; undefined when the method is not throttled. */
  private readonly methodBuckets = new Map<string, TokenBucket | undefined>();

  /**
   * @param plans - the stage's usage plans; a key in several plans gets the first one's limits
   * @param methodThrottles - the stage's method settings, each method throttled on its own. @default - none
   */
  constructor(
    plans: UsagePlan[],
    private readonly methodThrottles: MethodThrottles = {},
  ) {
    for (const plan of plans) {
      for (const value of plan.apiKeyValues) {
        if (this.keys.has(value)) continue;
        this.keys.set(value, { bucket: TokenBucket.from(plan), quota: plan.quota, periodStart: Number.NaN, used: 0 });
      }
    }
  }

  /**
   * Decides one request at `now` (epoch ms) to `method`. `apiKeyValue` is the
   * key the request was admitted with, or undefined on a method that needs
   * none (then only the method's throttle applies). A key in no plan has no
   * limits of its own: whether such a key may call at all is the gateway's
   * decision.
   */
  admit(apiKeyValue: string | undefined, now: number, method: MethodKey): Admission {
    const key = apiKeyValue === undefined ? undefined : this.keys.get(apiKeyValue);
    const stage = this.bucketOf(method);
    if (key?.quota !== undefined) {
      const periodStart = quotaPeriodStart(key.quota.period, now, key.quota.offset);
      if (periodStart !== key.periodStart) {
        key.periodStart = periodStart;
        key.used = 0;
      }
      if (key.used >= key.quota.limit) return 'quota';
    }
    if (key?.bucket !== undefined && !key.bucket.has(now)) return 'throttled';
    if (stage !== undefined && !stage.has(now)) return 'throttled';
    key?.bucket?.tryTake(now);
    stage?.tryTake(now);
    if (key !== undefined) key.used += 1;
    return 'ok';
  }

  private bucketOf(method: MethodKey): TokenBucket | undefined {
    const id = `${method.httpMethod.toUpperCase()} ${method.resourcePath}`;
    if (!this.methodBuckets.has(id)) this.methodBuckets.set(id, TokenBucket.from(throttleOf(this.methodThrottles, method)));
    return this.methodBuckets.get(id);
  }
}

/** A method's settings: its own entry (exact method before `*`) over the stage default. */
function throttleOf(throttles: MethodThrottles, method: MethodKey): ThrottleSettings | undefined {
  const wanted = method.httpMethod.toUpperCase();
  const onPath = (throttles.methods ?? []).filter((entry) => entry.resourcePath === method.resourcePath);
  const own = onPath.find((entry) => entry.httpMethod.toUpperCase() === wanted) ?? onPath.find((entry) => entry.httpMethod === '*');
  if (own === undefined) return throttles.default;
  return {
    ...throttles.default,
    ...(own.rateLimit === undefined ? {} : { rateLimit: own.rateLimit }),
    ...(own.burstLimit === undefined ? {} : { burstLimit: own.burstLimit }),
  };
}
