import { InvalidOptionError } from './errors.js';

/** The job types `getJobCounts` takes, as BullMQ's (`wait` is `waiting`'s alias). */
export type JobCountType = 'active' | 'completed' | 'delayed' | 'failed' | 'paused' | 'prioritized' | 'waiting' | 'wait' | 'waiting-children' | 'repeat';

/** BullMQ's default: every type, when none is named. */
export const ALL_JOB_COUNT_TYPES: readonly JobCountType[] = ['active', 'completed', 'delayed', 'failed', 'paused', 'prioritized', 'waiting', 'waiting-children'];

const KNOWN_TYPES: ReadonlySet<string> = new Set<JobCountType>([...ALL_JOB_COUNT_TYPES, 'wait', 'repeat']);

/** One queue's counts as `GET /health/queue` answers them. */
export interface ServerQueueCounts {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly completed: number;
  readonly failed: number;
  readonly paused?: boolean;
}

/** Whether an answer's entry is a queue's counts. */
export function isServerQueueCounts(value: unknown): value is ServerQueueCounts {
  const counts = value as Partial<ServerQueueCounts> | null | undefined;
  return ['waiting', 'active', 'delayed', 'completed', 'failed'].every((name) => typeof counts?.[name as keyof ServerQueueCounts] === 'number');
}

/**
 * The types to count, as BullMQ picks them: every type when none is named,
 * `paused` added to `waiting` (a paused queue's waiting jobs are `paused`),
 * each once.
 *
 * @throws InvalidOptionError for a type BullMQ does not have
 */
export function countTypesOf(types: readonly string[]): JobCountType[] {
  if (types.length === 0) return [...ALL_JOB_COUNT_TYPES];
  for (const type of types) {
    if (!KNOWN_TYPES.has(type)) throw new InvalidOptionError('types', `"${type}" is not a job type; give some of ${ALL_JOB_COUNT_TYPES.join(', ')}`);
  }
  const picked = [...types] as JobCountType[];
  if (picked.includes('waiting')) picked.push('paused');
  return [...new Set(picked)];
}

/**
 * One type's count from the server's counts: a paused queue's waiting jobs
 * are `paused` and a running queue's `waiting`; jobs of every priority lane
 * are `waiting` (the server has no separate `prioritized` list), and there are
 * no parent jobs or repeatable jobs, so those count 0.
 *
 * @example
 * countOf({ waiting: 4, active: 1, delayed: 0, completed: 9, failed: 0, paused: true }, 'paused'); // 4
 */
export function countOf(counts: ServerQueueCounts, type: JobCountType): number {
  switch (type) {
    case 'waiting':
    case 'wait':
      return counts.paused === true ? 0 : counts.waiting;
    case 'paused':
      return counts.paused === true ? counts.waiting : 0;
    case 'active':
    case 'delayed':
    case 'completed':
    case 'failed':
      return counts[type];
    case 'prioritized':
    case 'waiting-children':
    case 'repeat':
      return 0;
  }
}
