import { describe, expect, it } from 'vitest';
import { parseSchedule, rateIntervalMs, ScheduleExpressionError } from '../../../local/cloud/schedule-expression';

const at = (iso: string): Date => new Date(iso);

describe('parseSchedule', () => {
  it('fires rate schedules one interval apart', () => {
    // Act and assess
    expect(rateIntervalMs(parseSchedule('rate(1 minute)'))).toBe(60_000);
    expect(rateIntervalMs(parseSchedule('rate(5 minutes)'))).toBe(300_000);
    expect(rateIntervalMs(parseSchedule('rate(2 hours)'))).toBe(7_200_000);
    expect(parseSchedule('rate(1 day)').next(at('2026-01-01T00:00:00Z'))).toEqual(at('2026-01-02T00:00:00Z'));
  });

  it('rejects a rate whose unit does not agree with its count, as EventBridge does', () => {
    // Act and assess
    expect(() => parseSchedule('rate(1 minutes)')).toThrow(ScheduleExpressionError);
    expect(() => parseSchedule('rate(0 minutes)')).toThrow(ScheduleExpressionError);
  });

  it('finds the next cron time in UTC, with steps, ranges, lists and names', () => {
    // Act and assess
    expect(parseSchedule('cron(0 12 * * ? *)').next(at('2026-01-01T13:00:00Z'))).toEqual(at('2026-01-02T12:00:00Z'));
    expect(parseSchedule('cron(*/15 * * * ? *)').next(at('2026-01-01T10:07:30Z'))).toEqual(at('2026-01-01T10:15:00Z'));
    expect(parseSchedule('cron(0 9 ? * MON-FRI *)').next(at('2026-01-03T10:00:00Z'))).toEqual(at('2026-01-05T09:00:00Z'));
    expect(parseSchedule('cron(30 6 1,15 JAN,JUL ? 2026)').next(at('2026-01-02T00:00:00Z'))).toEqual(at('2026-01-15T06:30:00Z'));
  });

  it('refuses what the local cloud does not evaluate, and malformed expressions', () => {
    // Act and assess
    expect(() => parseSchedule('cron(0 0 L * ? *)')).toThrow(/L, W or #/);
    expect(() => parseSchedule('cron(0 0 ? * 6#3 *)')).toThrow(/L, W or #/);
    expect(() => parseSchedule('cron(0 0 * * * *)')).toThrow(/exactly one/);
    expect(() => parseSchedule('every minute')).toThrow(/neither rate/);
  });
});
