/** The periods an API Gateway usage plan's quota is counted over. */
export const QuotaPeriod = { DAY: 'DAY', WEEK: 'WEEK', MONTH: 'MONTH' } as const;
/** One of {@link QuotaPeriod}. */
export type QuotaPeriod = (typeof QuotaPeriod)[keyof typeof QuotaPeriod];

const DAY_MS = 86_400_000;

/**
 * When the quota period holding `now` began, in UTC as API Gateway counts:
 * days start at midnight, weeks on the `offset` weekday (0 = Sunday, as
 * API Gateway's `QuotaSettings.offset`), months on the `offset`-th day after
 * the first. Two times in the same period give the same start, which is all
 * a quota counter needs to know when to reset.
 *
 * @example
 * quotaPeriodStart('DAY', Date.parse('2024-05-06T13:00:00Z')); // Date.parse('2024-05-06T00:00:00Z')
 */
export function quotaPeriodStart(period: QuotaPeriod, now: number, offset = 0): number {
  const day = Math.floor(now / DAY_MS) * DAY_MS;
  if (period === QuotaPeriod.DAY) return day;
  if (period === QuotaPeriod.WEEK) {
    const weekday = new Date(day).getUTCDay();
    const back = (weekday - (offset % 7) + 7) % 7;
    return day - back * DAY_MS;
  }
  const date = new Date(day);
  let start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) + offset * DAY_MS;
  if (start > day) {
    start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, 1) + offset * DAY_MS;
  }
  return start;
}
