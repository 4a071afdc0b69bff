/**
 * EventBridge schedule expressions, `rate(…)` and `cron(…)`, evaluated in UTC
 * as EventBridge rules evaluate them. Pure.
 */

/** A parsed schedule: when it next fires after a given moment. */
export interface Schedule {
  /** The expression as written. */
  readonly expression: string;
  /** The first firing strictly after `after`. */
  next(after: Date): Date;
}

/** An expression that is malformed, or uses what the local cloud does not evaluate (`L`, `W`, `#`). */
export class ScheduleExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleExpressionError';
  }
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/**
 * Parses `rate(N unit)` (minute(s), hour(s), day(s)) or
 * `cron(minutes hours day-of-month month day-of-week year)` with `*`, `?`,
 * lists, ranges, steps and month and weekday names (weekday 1 is Sunday).
 *
 * @throws ScheduleExpressionError when the expression is malformed or uses `L`, `W` or `#`
 * @example
 * parseSchedule('rate(5 minutes)').next(new Date('2024-01-01T00:00:00Z')); // 2024-01-01T00:05:00Z
 * parseSchedule('cron(0 12 * * ? *)').next(new Date('2024-01-01T13:00:00Z')); // 2024-01-02T12:00:00Z
 */
export function parseSchedule(expression: string): Schedule {
  const rate = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/.exec(expression.trim());
  if (rate?.[1] !== undefined && rate[2] !== undefined) {
    const count = Number(rate[1]);
    const unit = rate[2].replace(/s$/, '');
    if (count < 1) throw new ScheduleExpressionError(`${expression}: the rate must be at least 1`);
    if ((count === 1) !== !rate[2].endsWith('s')) throw new ScheduleExpressionError(`${expression}: write "1 ${unit}" or "N ${unit}s"`);
    const intervalMs = count * (UNIT_MS[unit] ?? 0);
    return { expression, next: (after) => new Date(after.getTime() + intervalMs) };
  }
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (cron?.[1] === undefined) throw new ScheduleExpressionError(`"${expression}" is neither rate(…) nor cron(…)`);
  return cronSchedule(expression, cron[1]);
}

/** The interval of a `rate(…)` schedule, or undefined for a cron one. */
export function rateIntervalMs(schedule: Schedule): number | undefined {
  if (!schedule.expression.trim().startsWith('rate(')) return undefined;
  const origin = new Date(0);
  return schedule.next(origin).getTime() - origin.getTime();
}

function cronSchedule(expression: string, body: string): Schedule {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) throw new ScheduleExpressionError(`${expression}: cron takes 6 fields (minutes hours day-of-month month day-of-week year)`);
  const [minutes, hours, daysOfMonth, months, daysOfWeek, years] = fields as [string, string, string, string, string, string];
  if ((daysOfMonth === '?') === (daysOfWeek === '?')) {
    throw new ScheduleExpressionError(`${expression}: exactly one of day-of-month and day-of-week must be "?"`);
  }
  const minute = field(expression, minutes, 0, 59);
  const hour = field(expression, hours, 0, 23);
  const dayOfMonth = daysOfMonth === '?' ? undefined : field(expression, daysOfMonth, 1, 31);
  const month = field(expression, months, 1, 12, MONTHS);
  const dayOfWeek = daysOfWeek === '?' ? undefined : field(expression, daysOfWeek, 1, 7, WEEKDAYS);
  const year = field(expression, years, 1970, 2199);

  const next = (after: Date): Date => {
    const at = new Date(after.getTime());
    at.setUTCSeconds(0, 0);
    at.setUTCMinutes(at.getUTCMinutes() + 1);
    const limit = after.getTime() + 5 * 366 * 86_400_000;
    while (at.getTime() <= limit) {
      if (!year.has(at.getUTCFullYear())) {
        at.setUTCFullYear(at.getUTCFullYear() + 1, 0, 1);
        at.setUTCHours(0, 0, 0, 0);
      } else if (!month.has(at.getUTCMonth() + 1)) {
        at.setUTCMonth(at.getUTCMonth() + 1, 1);
        at.setUTCHours(0, 0, 0, 0);
      } else if (!(dayOfMonth?.has(at.getUTCDate()) ?? dayOfWeek?.has(at.getUTCDay() + 1) ?? false)) {
        at.setUTCDate(at.getUTCDate() + 1);
        at.setUTCHours(0, 0, 0, 0);
      } else if (!hour.has(at.getUTCHours())) {
        at.setUTCHours(at.getUTCHours() + 1, 0, 0, 0);
      } else if (!minute.has(at.getUTCMinutes())) {
        at.setUTCMinutes(at.getUTCMinutes() + 1, 0, 0);
      } else {
        return at;
      }
    }
    throw new ScheduleExpressionError(`${expression} does not fire within five years of ${after.toISOString()}`);
  };
  return { expression, next };
}

/** The values one cron field allows. */
function field(expression: string, text: string, min: number, max: number, names: readonly string[] = []): Set<number> {
  if (/[LW#]/i.test(text.replace(/[A-Z]{3}/gi, ''))) {
    throw new ScheduleExpressionError(`${expression}: "${text}" uses L, W or #, which the local cloud does not evaluate`);
  }
  const value = (token: string): number => {
    const index = names.indexOf(token.toUpperCase());
    const number = index >= 0 ? index + 1 : Number(token);
    if (!Number.isInteger(number) || number < min || number > max) {
      throw new ScheduleExpressionError(`${expression}: "${token}" is outside ${min}–${max}`);
    }
    return number;
  };
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new ScheduleExpressionError(`${expression}: bad step in "${part}"`);
    let from: number;
    let to: number;
    if (range === '*' || range === '?') {
      from = min;
      to = max;
    } else if (range.includes('-')) {
      const [low = '', high = ''] = range.split('-');
      from = value(low);
      to = value(high);
    } else {
      from = value(range);
      to = stepText === undefined ? from : max;
    }
    for (let current = from; current <= to; current += step) values.add(current);
  }
  return values;
}
