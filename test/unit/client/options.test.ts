import { describe, expect, it } from 'vitest';
import { InvalidOptionError, JobPipelineError, UnsupportedOptionError } from '../../../client/src/errors';
import { checkJobOptions, isSafeToRepeat, priorityLevelOf, requestFields, type JobsOptions } from '../../../client/src/options';

describe('BullMQ priorities onto lanes', () => {
  it.each([
    [undefined, undefined],
    [0, undefined],
    [1, 'urgent'],
    [2, 'high'],
    [10, 'high'],
    [11, 'normal'],
    [100, 'normal'],
    [101, 'low'],
    [2_097_151, 'low'],
  ] as const)('maps priority %s to %s (1 is the highest, 0 or none the default normal)', (priority, level) => {
    expect(priorityLevelOf(priority)).toBe(level);
  });

  it('takes a lane name as it is', () => {
    expect(priorityLevelOf('urgent')).toBe('urgent');
    expect(priorityLevelOf('low')).toBe('low');
  });

  it.each([-1, 1.5, 2_097_152, Number.NaN])('refuses priority %s with invalid_option', (priority) => {
    // Act
    const check = () => priorityLevelOf(priority);

    // Assess
    expect(check).toThrow(InvalidOptionError);
    expect(check).toThrow(/priority/);
  });

  it('refuses a lane name that is not one', () => {
    expect(() => priorityLevelOf('critical' as never)).toThrow(/is not a lane/);
  });
});

describe('job options under BullMQ names onto the HTTP fields', () => {
  it('sends jobId as dedup_key, the priority as its lane, and delay and attempts as they are', () => {
    // Act
    const fields = requestFields({ jobId: 'pi_42', priority: 1, delay: 5000, attempts: 5 });

    // Assess
    expect(fields).toEqual({ dedup_key: 'pi_42', priority: 'urgent', delay: 5000, attempts: 5 });
  });

  it('sends a numeric backoff as a fixed one, and an object backoff as it is', () => {
    expect(requestFields({ backoff: 3000 })).toEqual({ backoff: { type: 'fixed', delay: 3000 } });
    expect(requestFields({ backoff: { type: 'exponential', delay: 2000 } })).toEqual({ backoff: { type: 'exponential', delay: 2000 } });
  });

  it('sends deduplication.id as dedup_key, and a group id as group_id', () => {
    expect(requestFields({ deduplication: { id: 'd1' } })).toEqual({ dedup_key: 'd1' });
    expect(requestFields({ group: { id: 'order-7' } })).toEqual({ group_id: 'order-7' });
  });

  it('sends nothing for priority 0 or no options, so the server default (normal) applies', () => {
    expect(requestFields({ priority: 0 })).toEqual({});
    expect(requestFields(undefined)).toEqual({});
  });

  it('calls an add safe to repeat only when a dedup key makes a repeat return the same job', () => {
    expect(isSafeToRepeat({ jobId: 'a' })).toBe(true);
    expect(isSafeToRepeat({ deduplication: { id: 'a' } })).toBe(true);
    expect(isSafeToRepeat({ priority: 1 })).toBe(false);
    expect(isSafeToRepeat(undefined)).toBe(false);
  });
});

describe('unsupported options', () => {
  it.each(['lifo', 'repeat', 'removeOnComplete', 'removeOnFail', 'parent', 'stackTraceLimit', 'sizeLimit', 'keepLogs', 'timestamp', 'telemetry'])(
    'refuses %s with unsupported_option, naming it and what to use instead',
    (option) => {
      // Act
      let thrown: unknown;
      try {
        checkJobOptions({ [option]: true } as JobsOptions);
      } catch (error) {
        thrown = error;
      }

      // Assess
      expect(thrown).toBeInstanceOf(UnsupportedOptionError);
      expect(thrown).toBeInstanceOf(JobPipelineError);
      const error = thrown as UnsupportedOptionError;
      expect(error).toMatchObject({ code: 'unsupported_option', option, name: 'UnsupportedOptionError' });
      expect(error.message).toContain(`"${option}"`);
      expect((error.details as { instead: string }).instead.length).toBeGreaterThan(10);
    },
  );

  it('refuses an option it has never heard of, listing the ones it has', () => {
    expect(() => checkJobOptions({ priorty: 1 } as JobsOptions)).toThrow(/"priorty".*jobId, priority, delay, attempts, backoff/);
  });

  it('refuses nested fields it cannot send: backoff.jitter, a custom backoff type, deduplication.ttl, group.limit', () => {
    expect(() => checkJobOptions({ backoff: { type: 'exponential', delay: 1000, jitter: 0.5 } as never })).toThrow(/backoff\.jitter/);
    expect(() => checkJobOptions({ backoff: { type: 'custom' as never, delay: 1000 } })).toThrow(UnsupportedOptionError);
    expect(() => checkJobOptions({ deduplication: { id: 'a', ttl: 1000 } as never })).toThrow(/deduplication\.ttl/);
    expect(() => checkJobOptions({ group: { id: 'g', limit: { max: 1 } } as never })).toThrow(/group\.limit/);
  });

  it('refuses a backoff without a delay, and two different dedup keys', () => {
    expect(() => checkJobOptions({ backoff: { type: 'fixed' } as never })).toThrow(InvalidOptionError);
    expect(() => checkJobOptions({ jobId: 'a', deduplication: { id: 'b' } })).toThrow(/not two different keys/);
  });

  it('lets an option set to undefined pass, as BullMQ does', () => {
    expect(() => checkJobOptions({ lifo: undefined } as JobsOptions)).not.toThrow();
  });
});

describe("this API's own options: run_at, endpoints and notify", () => {
  it('sends runAt as an ISO time, and an endpoint, a user or a notify endpoint under the API\'s names', () => {
    expect(requestFields({ runAt: new Date('2026-01-01T09:00:00Z') })).toEqual({ run_at: '2026-01-01T09:00:00.000Z' });
    expect(requestFields({ runAt: '2026-01-01T09:00:00+03:00' })).toEqual({ run_at: '2026-01-01T09:00:00+03:00' });
    expect(requestFields({ endpointId: 'ep_abcdefghijklmnopqrst' })).toEqual({ endpoint_id: 'ep_abcdefghijklmnopqrst' });
    expect(requestFields({ userId: 'shop-42' })).toEqual({ user_id: 'shop-42' });
    expect(requestFields({ notify: { endpointId: 'ep_abcdefghijklmnopqrst' } })).toEqual({ notify: { endpoint_id: 'ep_abcdefghijklmnopqrst' } });
  });

  it.each<[string, JobsOptions, string]>([
    ['both an endpoint and a user', { endpointId: 'ep_abcdefghijklmnopqrst', userId: 'shop-42' }, 'endpointId or userId, not both'],
    ['an invalid date', { runAt: new Date('nonsense') }, 'runAt is not a valid date'],
    ['an empty user', { userId: '' }, 'userId must be a non-empty string'],
    ['notify without an endpoint', { notify: {} as { endpointId: string } }, 'notify.endpointId must be an endpoint id'],
  ])('refuses %s before anything is sent', (_label, opts, message) => {
    expect(() => checkJobOptions(opts)).toThrow(message);
  });

  it('refuses a notify field it does not know, naming it', () => {
    expect(() => checkJobOptions({ notify: { endpointId: 'ep_abcdefghijklmnopqrst', url: 'x' } as unknown as { endpointId: string } })).toThrow('notify.url');
  });
});
