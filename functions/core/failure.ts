/**
 * Failure categories: every processor failure is classified once, here, and the
 * category travels with the job record and the dead-letter message.
 */
export const FAILURE_CATEGORY = {
  network: 'network',
  timeout: 'timeout',
  rateLimited: 'rate_limited',
  server: 'server',
  client: 'client',
  auth: 'auth',
  validation: 'validation',
  nonRetryable: 'non_retryable',
  /**
   * Failed by the stuck-job detector, not by an attempt: the job was active
   * long past its lease and its message was gone, so nothing would ever
   * finish it. Final; its letter lets an operator redrive it.
   */
  stuck: 'stuck',
  /**
   * The job's delivery endpoint is disabled (by an operator, or because it
   * answered `410 Gone`): final, never retried; its letter lets an operator
   * redrive it once the endpoint is enabled again.
   */
  endpointDisabled: 'endpoint_disabled',
} as const;

/** One of the values of {@link FAILURE_CATEGORY}. */
export type FailureCategory = (typeof FAILURE_CATEGORY)[keyof typeof FAILURE_CATEGORY];

const RETRYABLE: ReadonlySet<FailureCategory> = new Set<FailureCategory>([
  FAILURE_CATEGORY.network,
  FAILURE_CATEGORY.timeout,
  FAILURE_CATEGORY.rateLimited,
  FAILURE_CATEGORY.server,
]);

/** Whether a failure of this category is worth another attempt. */
export function isRetryableCategory(category: FailureCategory): boolean {
  return RETRYABLE.has(category);
}

/** Every category, for schemas and tests. */
export const FAILURE_CATEGORIES = Object.values(FAILURE_CATEGORY) as [FailureCategory, ...FailureCategory[]];

/**
 * The category of an HTTP response status, or `undefined` for a success (2xx).
 * 408 and 5xx are `server`, 429 `rate_limited`, 401/403 `auth`, any other
 * status (other 4xx, an unfollowed 3xx) `client`.
 *
 * @example
 * categoryOfHttpStatus(503); // 'server'
 * categoryOfHttpStatus(429); // 'rate_limited'
 * categoryOfHttpStatus(404); // 'client'
 */
export function categoryOfHttpStatus(status: number): FailureCategory | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (status === 429) return FAILURE_CATEGORY.rateLimited;
  if (status === 408 || status >= 500) return FAILURE_CATEGORY.server;
  if (status === 401 || status === 403) return FAILURE_CATEGORY.auth;
  return FAILURE_CATEGORY.client;
}
