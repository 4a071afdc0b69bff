import { MAX_ATTEMPTS } from '../../../functions/core/job-request';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LANE,
  laneConcurrency,
  laneFor,
  lanesAbove,
  lanesOf,
  maxReceiveCount,
  MIN_LANE_CONCURRENCY,
  type Lane,
} from '../../../functions/core/lanes';
import { PRIORITY_ORDER, type PriorityLevel } from '../../../functions/core/priority';
import { aQueueDefinition } from '../../helpers/factories';

describe('lanesOf', () => {
  it('gives a laned queue one lane per level, highest first', () => {
    // Act / Assess
    expect(lanesOf({ lanes: true })).toEqual(['urgent', 'high', 'normal', 'low']);
  });

  it('gives a queue without lanes only the default lane', () => {
    // Act / Assess
    expect(lanesOf({ lanes: false })).toEqual([DEFAULT_LANE]);
  });

  it('returns a copy callers may change', () => {
    // Act
    lanesOf({ lanes: true }).reverse();

    // Assess
    expect(PRIORITY_ORDER[0]).toBe('urgent');
  });
});

describe('laneFor', () => {
  it.each(PRIORITY_ORDER)('sends a %s job to its own lane on a laned queue', (priority) => {
    // Act / Assess
    expect(laneFor({ lanes: true }, priority)).toBe(priority);
  });

  it.each(PRIORITY_ORDER)('sends a %s job to the default lane on a queue without lanes', (priority) => {
    // Act / Assess
    expect(laneFor({ lanes: false }, priority)).toBe('default');
  });
});

describe('lanesAbove', () => {
  it.each<[Lane, PriorityLevel[]]>([
    ['urgent', []],
    ['high', ['urgent']],
    ['normal', ['urgent', 'high']],
    ['low', ['urgent', 'high', 'normal']],
    ['default', []],
  ])('lists the lanes %s yields to', (lane, above) => {
    // Act / Assess
    expect(lanesAbove(lane)).toEqual(above);
  });
});

describe('laneConcurrency', () => {
  it('gives concurrency 10 with lanes 4 / 3 / 2 / 2', () => {
    // Act
    const shares = laneConcurrency({ lanes: true, concurrency: 10 });

    // Assess
    expect(shares).toEqual({ urgent: 4, high: 3, normal: 2, low: 2 });
  });

  it('gives concurrency 20 with lanes 8 / 6 / 4 / 2', () => {
    // Act
    const shares = laneConcurrency({ lanes: true, concurrency: 20 });

    // Assess
    expect(shares).toEqual({ urgent: 8, high: 6, normal: 4, low: 2 });
  });

  it.each([1, 2, 3, 5, 7, 10, 13, 15, 20, 50, 100, 1000])(
    'weights concurrency %i towards higher lanes, at least 2 each',
    (concurrency) => {
      // Act
      const shares = laneConcurrency({ lanes: true, concurrency });
      const ordered = PRIORITY_ORDER.map((lane) => shares[lane] ?? 0);

      // Assess
      expect(Object.keys(shares).sort()).toEqual([...PRIORITY_ORDER].sort());
      expect(Math.min(...ordered)).toBeGreaterThanOrEqual(MIN_LANE_CONCURRENCY);
      for (let i = 1; i < ordered.length; i += 1) expect(ordered[i - 1]).toBeGreaterThanOrEqual(ordered[i] ?? 0);
      expect(ordered.every((n) => n <= 1000)).toBe(true);
    },
  );

  it('gives a queue without lanes its whole concurrency on the default lane', () => {
    // Act / Assess
    expect(laneConcurrency({ lanes: false, concurrency: 10 })).toEqual({ default: 10 });
    expect(laneConcurrency({ lanes: false, concurrency: 20 })).toEqual({ default: 20 });
  });

  it('raises a concurrency of 1 to the event source mapping minimum of 2', () => {
    // Act / Assess: report-generation caps at 1 with reserved concurrency instead
    expect(laneConcurrency({ lanes: false, concurrency: 1 })).toEqual({ default: 2 });
  });
});

describe('maxReceiveCount', () => {
  it.each([1, 3, 5, 25])('on a standard queue, covers the most attempts a request may ask for whatever the catalog says (%i)', (attempts) => {
    // Prepare
    const definition = aQueueDefinition({ attempts });

    // Act
    const count = maxReceiveCount(definition);

    // Assess: 25 attempts (MAX_ATTEMPTS) plus the allowance, above any request's attempts
    expect(count).toBe(MAX_ATTEMPTS + 10);
    expect(count).toBeGreaterThan(MAX_ATTEMPTS);
  });

  it('on a FIFO queue, covers a whole batch of one group ahead of a message, each retrying to its last attempt', () => {
    // Prepare
    const definition = aQueueDefinition({ name: 'order-processing', fifo: true, attempts: 3 });

    // Act / Assess: 10 × 25 + 10
    expect(maxReceiveCount(definition)).toBe(260);
  });

  it('honours a larger allowance, within SQS\'s limit of 1000', () => {
    // Prepare
    const standard = aQueueDefinition({ attempts: 3, deferralAllowance: 50 });
    const fifo = aQueueDefinition({ name: 'order-processing', fifo: true, attempts: 3, deferralAllowance: 900 });

    // Act / Assess
    expect(maxReceiveCount(standard)).toBe(75);
    expect(maxReceiveCount(fifo)).toBe(1000);
  });
});
