import { describe, expect, it } from 'vitest';
import { batchRequestSchema, fieldProblems, jobRequestSchema, MAX_BATCH_JOBS } from '../../../functions/core/job-request';
import { MAX_DELAY_MS } from '../../../functions/core/delivery-plan';
import { aJobRequestBody } from '../../helpers/factories';

const PRIORITY_MESSAGE = 'priority must be an integer from 1 to 20 or one of urgent, high, normal, low';

/** The problems of a body that must be refused. */
function problemsOf(body: unknown) {
  const result = jobRequestSchema.safeParse(body);
  if (result.success) throw new Error(`expected ${JSON.stringify(body)} to be refused`);
  return fieldProblems(result.error);
}

describe('jobRequestSchema', () => {
  it('accepts a body with only data', () => {
    // Prepare
    const body = aJobRequestBody();

    // Act
    const result = jobRequestSchema.parse(body);

    // Assess
    expect(result).toEqual({ data: { intentId: 'intent-42', amount: 1000 } });
  });

  it.each([null, 0, false, '', [], 'text'])('accepts any JSON value as data: %j', (data) => {
    // Act / Assess
    expect(jobRequestSchema.parse({ data })).toEqual({ data });
  });

  it('accepts every field at once', () => {
    // Prepare
    const body = aJobRequestBody({
      name: 'stk_push',
      priority: 'urgent',
      run_at: '2026-01-01T09:00:00+03:00',
      dedup_key: 'intent-42',
      group_id: 'order-7#A',
      attempts: 25,
    });

    // Act / Assess
    expect(jobRequestSchema.parse(body)).toEqual(body);
  });

  it.each([1, 7, 20, 'urgent', 'high', 'normal', 'low'])('accepts priority %j', (priority) => {
    // Act / Assess
    expect(jobRequestSchema.parse(aJobRequestBody({ priority })).priority).toBe(priority);
  });

  it.each([0, MAX_DELAY_MS])('accepts delay %i', (delay) => {
    // Act / Assess
    expect(jobRequestSchema.parse(aJobRequestBody({ delay })).delay).toBe(delay);
  });

  it.each<[string, Record<string, unknown>, string, string | RegExp]>([
    ['data missing', { data: undefined }, 'data', 'data is required: the job payload, any JSON value'],
    ['priority 0', { priority: 0 }, 'priority', PRIORITY_MESSAGE],
    ['priority 21', { priority: 21 }, 'priority', PRIORITY_MESSAGE],
    ['priority -5', { priority: -5 }, 'priority', PRIORITY_MESSAGE],
    ['priority 2.5', { priority: 2.5 }, 'priority', PRIORITY_MESSAGE],
    ['priority "mega"', { priority: 'mega' }, 'priority', PRIORITY_MESSAGE],
    ['priority "5"', { priority: '5' }, 'priority', PRIORITY_MESSAGE],
    ['priority true', { priority: true }, 'priority', PRIORITY_MESSAGE],
    ['priority null', { priority: null }, 'priority', PRIORITY_MESSAGE],
    ['delay -1', { delay: -1 }, 'delay', 'delay must be 0 or more milliseconds'],
    ['delay over a year', { delay: MAX_DELAY_MS + 1 }, 'delay', /at most 31536000000 ms \(one year\)/],
    ['delay 1.5', { delay: 1.5 }, 'delay', 'delay must be a whole number of milliseconds'],
    ['delay "10s"', { delay: '10s' }, 'delay', 'delay must be a number of milliseconds'],
    ['run_at not ISO', { run_at: 'tomorrow 9am' }, 'run_at', /ISO 8601 time with a zone/],
    ['run_at without a zone', { run_at: '2026-01-01T09:00:00' }, 'run_at', /ISO 8601 time with a zone/],
    ['run_at a number', { run_at: 1_767_225_600_000 }, 'run_at', /ISO 8601 time with a zone/],
    ['delay and run_at', { delay: 1000, run_at: '2026-01-01T09:00:00Z' }, 'run_at', 'give delay or run_at, not both'],
    ['attempts 0', { attempts: 0 }, 'attempts', 'attempts must be at least 1'],
    ['attempts 26', { attempts: 26 }, 'attempts', 'attempts must be at most 25'],
    ['dedup_key empty', { dedup_key: '' }, 'dedup_key', 'dedup_key must not be empty'],
    ['dedup_key too long', { dedup_key: 'k'.repeat(257) }, 'dedup_key', 'dedup_key must be at most 256 characters'],
    ['group_id with a space', { group_id: 'order 7' }, 'group_id', /printable ASCII characters without spaces/],
    ['group_id too long', { group_id: 'g'.repeat(129) }, 'group_id', /1–128 printable ASCII/],
    ['group_id non-ASCII', { group_id: 'ordér' }, 'group_id', /printable ASCII/],
    ['name empty', { name: '' }, 'name', 'name must not be empty'],
    ['name a number', { name: 5 }, 'name', 'name must be a string'],
    ['an unknown field', { prority: 'high' }, 'prority', 'unknown field; check the spelling'],
  ])('refuses %s with its field and a message', (_label, overrides, field, message) => {
    // Prepare
    const body = aJobRequestBody(overrides);

    // Act
    const problems = problemsOf(body);

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe(field);
    if (typeof message === 'string') expect(problems[0]?.message).toBe(message);
    else expect(problems[0]?.message).toMatch(message);
  });

  it('names several unknown fields in one problem', () => {
    // Act
    const problems = problemsOf(aJobRequestBody({ foo: 1, bar: 2 }));

    // Assess
    expect(problems).toEqual([{ field: 'foo, bar', message: 'unknown fields; check the spelling' }]);
  });

  it('lists every problem of a body', () => {
    // Act
    const problems = problemsOf({ priority: 99, attempts: 0 });

    // Assess
    expect(problems.map((p) => p.field).sort()).toEqual(['attempts', 'data', 'priority']);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'a string'],
    ['a number', 42],
    ['an empty array', []],
    ['an array of jobs', [{ data: 1 }]],
  ])('refuses a body that is %s with a hint', (_label, body) => {
    // Act
    const problems = problemsOf(body);

    // Assess
    expect(problems).toEqual([{ field: '(body)', message: expect.stringMatching(/^the body must be a JSON object such as/) }]);
  });

  it('never leaks zod default messages', () => {
    // Prepare: one bad value per field
    const bodies = [
      { data: 1, priority: 0 },
      { data: 1, priority: 21 },
      { data: 1, priority: 3.5 },
      { data: 1, delay: -1 },
      { data: 1, attempts: 99 },
      { data: 1, name: 'n'.repeat(101) },
      { data: 1, run_at: 'x' },
      { data: 1, group_id: '' },
      null,
    ];

    // Act
    const messages = bodies.flatMap((body) => problemsOf(body).map((p) => p.message));

    // Assess
    expect(messages).toHaveLength(bodies.length);
    for (const message of messages) expect(message).not.toMatch(/Invalid input|Too (big|small)|expected/);
  });
});

describe('batchRequestSchema', () => {
  it.each([1, MAX_BATCH_JOBS])('accepts %i jobs', (count) => {
    // Prepare
    const body = { jobs: Array.from({ length: count }, () => aJobRequestBody()) };

    // Act / Assess
    expect(batchRequestSchema.parse(body).jobs).toHaveLength(count);
  });

  it.each<[number, string]>([
    [0, 'jobs must hold at least one job'],
    [MAX_BATCH_JOBS + 1, 'jobs must hold at most 100 jobs; split larger batches'],
  ])('refuses %i jobs', (count, message) => {
    // Prepare
    const body = { jobs: Array.from({ length: count }, () => aJobRequestBody()) };

    // Act
    const result = batchRequestSchema.safeParse(body);

    // Assess
    expect(result.success).toBe(false);
    expect(fieldProblems(result.error!)).toEqual([{ field: 'jobs', message }]);
  });

  it('refuses a missing jobs array and unknown fields', () => {
    // Act
    const missing = batchRequestSchema.safeParse({});
    const extra = batchRequestSchema.safeParse({ jobs: [aJobRequestBody()], mode: 'fast' });

    // Assess
    expect(fieldProblems(missing.error!)).toEqual([{ field: 'jobs', message: 'jobs must be an array of job requests' }]);
    expect(fieldProblems(extra.error!)).toEqual([{ field: 'mode', message: 'unknown field; check the spelling' }]);
  });

  it('leaves each job to be checked on its own', () => {
    // Act: a bad job inside a good batch is not the batch's problem
    const result = batchRequestSchema.safeParse({ jobs: [{ priority: 'mega' }] });

    // Assess
    expect(result.success).toBe(true);
  });
});

describe('jobRequestSchema: a job’s own backoff', () => {
  const DELAY_MESSAGE = 'backoff.delay must be a whole number of milliseconds from 100 to 43200000 (12 hours)';

  it.each([
    [{ type: 'exponential', delay: 2000 }],
    [{ type: 'fixed', delay: 100 }],
    [{ type: 'fixed', delay: 43_200_000 }],
  ])('accepts %j', (backoff) => {
    // Act / Assess
    expect(jobRequestSchema.parse(aJobRequestBody({ backoff })).backoff).toEqual(backoff);
  });

  it.each([
    ['a delay under 100 ms', { type: 'fixed', delay: 99 }, 'backoff.delay', DELAY_MESSAGE],
    ['a delay over 12 hours', { type: 'fixed', delay: 43_200_001 }, 'backoff.delay', DELAY_MESSAGE],
    ['a fractional delay', { type: 'exponential', delay: 1500.5 }, 'backoff.delay', DELAY_MESSAGE],
    ['a delay as text', { type: 'exponential', delay: '2s' }, 'backoff.delay', DELAY_MESSAGE],
    ['an unknown type', { type: 'linear', delay: 1000 }, 'backoff.type', 'backoff.type must be fixed or exponential'],
    ['a missing delay', { type: 'fixed' }, 'backoff.delay', DELAY_MESSAGE],
    ['an unknown field', { type: 'fixed', delay: 1000, jitter: 0.5 }, 'jitter', 'unknown field; check the spelling'],
  ])('refuses %s, naming the field', (_label, backoff, field, message) => {
    // Act / Assess
    expect(problemsOf(aJobRequestBody({ backoff }))).toEqual([{ field, message }]);
  });

  it('refuses a backoff that is not an object, saying what one looks like', () => {
    // Act
    const problems = problemsOf(aJobRequestBody({ backoff: 2000 }));

    // Assess
    expect(problems).toEqual([{ field: 'backoff', message: expect.stringContaining('backoff must be an object such as { "type": "exponential", "delay": 2000 }') }]);
  });
});

describe('jobRequestSchema: the endpoint a job names', () => {
  it('accepts an endpoint id, or a user id', () => {
    // Act
    const byEndpoint = jobRequestSchema.parse(aJobRequestBody({ endpoint_id: 'ep_abcdefghijklmnopqrst' }));
    const byUser = jobRequestSchema.parse(aJobRequestBody({ user_id: 'shop_42-a' }));

    // Assess
    expect(byEndpoint.endpoint_id).toBe('ep_abcdefghijklmnopqrst');
    expect(byUser.user_id).toBe('shop_42-a');
  });

  it.each([
    ['an endpoint id of the wrong shape', { endpoint_id: 'ep_ABC' }, 'endpoint_id', 'endpoint_id must be an endpoint id: ep_ and 20 characters a–z or 2–7'],
    ['an endpoint id that is no string', { endpoint_id: 7 }, 'endpoint_id', 'endpoint_id must be a string'],
    ['a user id with a space', { user_id: 'shop 42' }, 'user_id', 'user_id must be 1–64 letters, digits, _ or -'],
    ['a user id over 64 characters', { user_id: 'u'.repeat(65) }, 'user_id', 'user_id must be 1–64 letters, digits, _ or -'],
    [
      'both',
      { endpoint_id: 'ep_abcdefghijklmnopqrst', user_id: 'shop-42' },
      'user_id',
      "give endpoint_id or user_id, not both: user_id stands for the user's one enabled endpoint",
    ],
  ])('refuses %s', (_label, fields, field, message) => {
    // Act / Assess
    expect(problemsOf(aJobRequestBody(fields))).toEqual([{ field, message }]);
  });
});
