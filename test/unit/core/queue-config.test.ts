import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../functions/core/errors';
import {
  DEFAULT_DEFERRAL_ALLOWANCE,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_OLDEST_MESSAGE_ALARM_SECONDS,
  MAX_OLDEST_MESSAGE_ALARM_SECONDS,
  MAX_TIMEOUT_MS,
  parseCatalog,
  parseQueueDefinition,
} from '../../../functions/core/queue-config';
import { MAX_STORABLE_PAYLOAD_BYTES } from '../../../functions/core/limits';
import { aQueueDefinitionInput } from '../../helpers/factories';

/** Runs `act`, which must throw a ConfigError, and returns it. */
function configErrorOf(act: () => unknown): ConfigError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('parseQueueDefinition', () => {
  it('fills every default into a minimal entry', () => {
    // Prepare
    const input = aQueueDefinitionInput({ name: 'email' });

    // Act
    const definition = parseQueueDefinition(input);

    // Assess
    expect(definition).toEqual({
      name: 'email',
      fifo: false,
      dedup: false,
      lanes: false,
      endpoints: false,
      concurrency: 10,
      attempts: 3,
      backoff: { type: 'exponential', delayMs: 2000, jitter: 0.5 },
      timeoutMs: 30_000,
      retention: { completedHours: 24, failedHours: 360 },
      processor: 'http',
      maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES,
      deferralAllowance: DEFAULT_DEFERRAL_ALLOWANCE,
      oldestMessageAlarmSeconds: DEFAULT_OLDEST_MESSAGE_ALARM_SECONDS,
      memoryMb: 256,
    });
    expect(DEFAULT_OLDEST_MESSAGE_ALARM_SECONDS).toBe(15 * 60);
  });

  it('keeps what an entry sets', () => {
    // Prepare
    const input = aQueueDefinitionInput({
      dedup: true,
      dedupKeyField: 'intentId',
      lanes: true,
      rateLimit: { max: 100, durationMs: 1000 },
      backoff: { type: 'fixed', delayMs: 0, jitter: 0 },
      retention: { completedHours: 1, failedHours: 400 },
      timeoutMs: 14 * 60 * 1000,
      oldestMessageAlarmSeconds: 3600,
      reason: 'because',
    });

    // Act
    const definition = parseQueueDefinition(input);

    // Assess
    expect(definition).toMatchObject({
      dedup: true,
      dedupKeyField: 'intentId',
      lanes: true,
      rateLimit: { max: 100, durationMs: 1000 },
      backoff: { type: 'fixed', delayMs: 0, jitter: 0 },
      retention: { completedHours: 1, failedHours: 400 },
      timeoutMs: 840_000,
      oldestMessageAlarmSeconds: 3600,
      reason: 'because',
    });
  });

  it('accepts a FIFO queue without lanes', () => {
    // Act / Assess
    expect(parseQueueDefinition(aQueueDefinitionInput({ name: 'order-processing', fifo: true })).fifo).toBe(true);
  });

  it('accepts a maxPayloadBytes up to what one DynamoDB item can keep', () => {
    // Act / Assess
    expect(parseQueueDefinition(aQueueDefinitionInput({ maxPayloadBytes: MAX_STORABLE_PAYLOAD_BYTES })).maxPayloadBytes).toBe(MAX_STORABLE_PAYLOAD_BYTES);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['attempts 0', { attempts: 0 }, 'attempts', /at least 1/],
    ['attempts 26', { attempts: 26 }, 'attempts', /at most 25/],
    ['attempts 2.5', { attempts: 2.5 }, 'attempts', /whole number/],
    ['attempts missing', { attempts: undefined }, 'attempts', /attempts must be a number; the total number of tries/],
    ['backoff.type linear', { backoff: { type: 'linear', delayMs: 2000 } }, 'backoff.type', /"fixed" or "exponential"/],
    ['backoff.delayMs -1', { backoff: { type: 'fixed', delayMs: -1 } }, 'backoff.delayMs', /0 or more/],
    ['backoff.jitter 2', { backoff: { type: 'fixed', delayMs: 1, jitter: 2 } }, 'backoff.jitter', /from 0 to 1/],
    ['backoff missing', { backoff: undefined }, 'backoff', /backoff is required: \{ type/],
    ['concurrency 2000', { concurrency: 2000 }, 'concurrency', /at most 1000/],
    ['concurrency 0', { concurrency: 0 }, 'concurrency', /at least 1/],
    ['timeoutMs 20 min', { timeoutMs: 20 * 60 * 1000 }, 'timeoutMs', /at most 840000 \(14 minutes/],
    ['timeoutMs 500', { timeoutMs: 500 }, 'timeoutMs', /at least 1000/],
    ['name Bad_Name', { name: 'Bad_Name' }, 'name', /kebab-case.*e\.g\. "order-processing"/],
    ['name too long', { name: 'a'.repeat(41) }, 'name', /2–40 characters/],
    ['name missing', { name: undefined }, 'name', /name is required/],
    ['rateLimit.max 0', { rateLimit: { max: 0, durationMs: 1000 } }, 'rateLimit.max', /at least 1/],
    ['rateLimit.durationMs 10', { rateLimit: { max: 1, durationMs: 10 } }, 'rateLimit.durationMs', /at least 1000/],
    ['rateLimit a number', { rateLimit: 100 }, 'rateLimit', /\{ max, durationMs \}/],
    ['retention.completedHours 0', { retention: { completedHours: 0 } }, 'retention.completedHours', /at least 1/],
    ['retention.failedHours 0', { retention: { failedHours: 0 } }, 'retention.failedHours', /at least 336 \(14 days, as long as the dead-letter queue keeps its letters/],
    ['retention.failedHours 7 days', { retention: { failedHours: 168 } }, 'retention.failedHours', /at least 336.*leave it out for 360/],
    ['reconcileAfterSeconds 10', { reconcileAfterSeconds: 10 }, 'reconcileAfterSeconds', /at least 30/],
    ['maxPayloadBytes 2 MiB', { maxPayloadBytes: 2 * 1024 * 1024 }, 'maxPayloadBytes', /at most 407552 \(398 KiB\).*DynamoDB item holds at most 400 KB/],
    ['maxPayloadBytes 1 byte over the storable limit', { maxPayloadBytes: 407_553 }, 'maxPayloadBytes', /at most 407552/],
    ['memoryMb 64', { memoryMb: 64 }, 'memoryMb', /at least 128/],
    ['deferralAllowance 0', { deferralAllowance: 0 }, 'deferralAllowance', /at least 1/],
    ['oldestMessageAlarmSeconds 30', { oldestMessageAlarmSeconds: 30 }, 'oldestMessageAlarmSeconds', /at least 60/],
    ['oldestMessageAlarmSeconds 15 days', { oldestMessageAlarmSeconds: 15 * 86_400 }, 'oldestMessageAlarmSeconds', /at most 1209600 \(14 days/],
    ['oldestMessageAlarmSeconds 90.5', { oldestMessageAlarmSeconds: 90.5 }, 'oldestMessageAlarmSeconds', /whole number/],
    ['processor lambda', { processor: 'lambda' }, 'processor', /must be "http"/],
    ['fifo "yes"', { fifo: 'yes' }, 'fifo', /true or false/],
    ['dedupKeyField a number', { dedup: true, dedupKeyField: 5 }, 'dedupKeyField', /top-level field.*e\.g\. "intentId"/],
    ['dedupKeyField a path', { dedup: true, dedupKeyField: 'a.b' }, 'dedupKeyField', /top-level field/],
    ['dedupKeyField without dedup', { dedupKeyField: 'intentId' }, 'dedupKeyField', /set dedup: true or remove dedupKeyField/],
    ['fifo with lanes', { fifo: true, lanes: true }, 'lanes', /set lanes: false or fifo: false/],
    ['an unknown field', { concurency: 5 }, 'concurency', /unknown field; check its spelling or remove it/],
    ['an unknown backoff field', { backoff: { type: 'fixed', delayMs: 1, jiter: 0 } }, 'backoff.jiter', /unknown field/],
    ['reason too long', { reason: 'x'.repeat(10_000) }, 'reason', /reason must be at most \d+ characters/],
  ])('rejects %s naming the queue, the field and a fix', (_label, overrides, field, fix) => {
    // Prepare
    const input = { ...aQueueDefinitionInput(), ...overrides };
    const queue = typeof input.name === 'string' ? input.name : '(unnamed)';

    // Act
    const error = configErrorOf(() => parseQueueDefinition(input));

    // Assess
    expect(error.message).toContain(`catalog entry "${queue}" is invalid`);
    const line = error.message.split('\n').find((l) => l.startsWith(`  - ${field}: `));
    expect(line, error.message).toBeDefined();
    expect(line).toMatch(fix);
    expect(error.message).not.toMatch(/Invalid input|Too (big|small)|Unrecognized key/);
    expect(error.context).toEqual({ queue });
  });

  it('lists every problem of an entry, one per line', () => {
    // Prepare
    const input = aQueueDefinitionInput({ attempts: 0, concurrency: 2000 });

    // Act
    const error = configErrorOf(() => parseQueueDefinition(input));

    // Assess
    expect(error.message.split('\n').slice(1)).toEqual([
      '  - concurrency: concurrency must be at most 1000 (the event source mapping limit)',
      '  - attempts: attempts must be at least 1 (one try, no retries)',
    ]);
  });

  it('names each of several unknown fields', () => {
    // Act
    const error = configErrorOf(() => parseQueueDefinition({ ...aQueueDefinitionInput(), foo: 1, bar: 2 }));

    // Assess
    expect(error.message).toContain('  - foo: unknown field');
    expect(error.message).toContain('  - bar: unknown field');
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'payments'],
    ['a number', 42],
    ['an array', []],
  ])('rejects an entry that is %s with a hint of the shape', (_label, input) => {
    // Act
    const error = configErrorOf(() => parseQueueDefinition(input));

    // Assess
    expect(error.message).toContain('catalog entry "(unnamed)" is invalid');
    expect(error.message).toContain('must be an object such as { name, concurrency');
  });
});

describe('parseCatalog', () => {
  it('checks every entry', () => {
    // Act
    const catalog = parseCatalog([aQueueDefinitionInput({ name: 'payments' }), aQueueDefinitionInput({ name: 'webhooks' })]);

    // Assess
    expect(catalog.map((d) => d.name)).toEqual(['payments', 'webhooks']);
    expect(catalog[1]?.retention).toEqual({ completedHours: 24, failedHours: 360 });
  });

  it('rejects a name that appears twice', () => {
    // Prepare
    const entries = [aQueueDefinitionInput({ name: 'email' }), aQueueDefinitionInput({ name: 'email', concurrency: 1 })];

    // Act
    const error = configErrorOf(() => parseCatalog(entries));

    // Assess
    expect(error.message).toBe('catalog entry "email" appears twice; give each job type its own name');
    expect(error.context).toEqual({ queue: 'email' });
  });

  it('reports the first bad entry by name', () => {
    // Prepare
    const entries = [aQueueDefinitionInput({ name: 'email' }), aQueueDefinitionInput({ name: 'reports', attempts: 0 })];

    // Act
    const error = configErrorOf(() => parseCatalog(entries));

    // Assess
    expect(error.message).toContain('catalog entry "reports" is invalid');
  });

  it('accepts an empty catalog', () => {
    // Act / Assess
    expect(parseCatalog([])).toEqual([]);
  });
});

describe('catalog limits', () => {
  it('are 14 minutes of work and 14 days of waiting', () => {
    expect(MAX_TIMEOUT_MS).toBe(14 * 60 * 1000);
    expect(MAX_OLDEST_MESSAGE_ALARM_SECONDS).toBe(14 * 24 * 60 * 60);
  });
});
