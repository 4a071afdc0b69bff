import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import type { HourRollup } from '../../../functions/adapters/dynamodb-counter-rollup';
import { rollUpCounters } from '../../../functions/handlers/workflows/roll-up-counters';
import { FIXED_NOW } from '../../helpers/factories';
import { silentLogger } from './operations-fakes';

const clock = { now: () => FIXED_NOW, sleep: async () => undefined };
const settings = [{ name: 'payments' }, { name: 'email' }, { name: 'reports' }];

describe('rollUpCounters', () => {
  it('rolls up every queue at the run’s time and answers the hour items written in all', async () => {
    // Prepare
    const calls: [string, Date][] = [];
    const rollup: HourRollup = {
      rollUpHours: async (queue, now) => {
        calls.push([queue, now]);
        return queue === 'email' ? 0 : 2;
      },
    };

    // Act
    const written = await rollUpCounters({ settings, rollup, clock, logger: silentLogger() });

    // Assess
    expect(written).toBe(4);
    expect(calls).toEqual([
      ['payments', FIXED_NOW],
      ['email', FIXED_NOW],
      ['reports', FIXED_NOW],
    ]);
  });

  it('logs a queue whose rollup fails and still rolls up the others', async () => {
    // Prepare
    const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
    const warn = vi.spyOn(logger, 'warn');
    const rollup: HourRollup = {
      rollUpHours: async (queue) => {
        if (queue === 'email') throw new Error('throttled');
        return 1;
      },
    };

    // Act
    const written = await rollUpCounters({ settings, rollup, clock, logger });

    // Assess
    expect(written).toBe(2);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[1]).toMatchObject({ queue: 'email' });
  });
});
