/**
 * Priority levels, as the systems we replace name them. A higher number runs first.
 */
export const PRIORITY_LEVELS = {
  urgent: 20,
  high: 10,
  normal: 5,
  low: 1,
} as const;

/** One of `urgent`, `high`, `normal`, `low`. */
export type PriorityLevel = keyof typeof PRIORITY_LEVELS;

/** Levels from the highest to the lowest: the order lanes are served in. */
export const PRIORITY_ORDER: readonly PriorityLevel[] = ['urgent', 'high', 'normal', 'low'];

/** The level a job gets when it names none. */
export const DEFAULT_PRIORITY: PriorityLevel = 'normal';

/** The smallest and largest numeric priority a request may carry. */
export const PRIORITY_RANGE = { min: 1, max: 20 } as const;

/**
 * Maps a numeric priority (1–20) or a level name to a level: a number maps to the
 * highest level it reaches, so 7 is `normal` and 12 is `high`.
 *
 * @example
 * toPriorityLevel(20); // 'urgent'
 * toPriorityLevel(3); // 'low'
 * toPriorityLevel('high'); // 'high'
 * toPriorityLevel(undefined); // 'normal'
 */
export function toPriorityLevel(priority: number | PriorityLevel | undefined): PriorityLevel {
  if (priority === undefined) return DEFAULT_PRIORITY;
  if (typeof priority === 'string') return priority;
  if (!Number.isInteger(priority) || priority < PRIORITY_RANGE.min || priority > PRIORITY_RANGE.max) {
    throw new RangeError(`priority must be an integer from ${PRIORITY_RANGE.min} to ${PRIORITY_RANGE.max}, got ${priority}`);
  }
  return PRIORITY_ORDER.find((level) => priority >= PRIORITY_LEVELS[level]) ?? 'low';
}

/** Levels above the given one, the highest first. */
export function higherLevels(level: PriorityLevel): PriorityLevel[] {
  return PRIORITY_ORDER.slice(0, PRIORITY_ORDER.indexOf(level));
}
