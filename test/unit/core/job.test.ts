import { describe, expect, it } from 'vitest';
import {
  appendHistory,
  canTransition,
  CANCELLABLE_STATUSES,
  CLAIMABLE_STATUSES,
  FINAL_STATUSES,
  isFinal,
  isOwnedBy,
  jobMessageOf,
  JOB_STATUS,
  MAX_ERROR_MESSAGE_LENGTH,
  MAX_HISTORY_ENTRIES,
  MAX_INLINE_RESULT_BYTES,
  shortMessage,
  storableResult,
  type JobStatus,
} from '../../../functions/core/job';
import { anAttemptRecord, aJobRecord } from '../../helpers/factories';

const ALL_STATUSES = Object.values(JOB_STATUS);

/**
 * The state machine of DESIGN's "Job states": waiting → active → completed;
 * active → retrying → active; active → failed; delayed → waiting;
 * waiting | delayed → cancelled. Plus:
 * - active → active: a claim after the holder's lease ran out;
 * - failed → waiting: a redrive;
 * - delayed → active: a job sent with SQS DelaySeconds stays `delayed` until a
 *   consumer claims it;
 * - retrying → failed: a retrying job dead-lettered without another run
 *   (the redrive backstop).
 */
const ALLOWED: ReadonlyArray<readonly [JobStatus, JobStatus]> = [
  ['waiting', 'active'],
  ['waiting', 'cancelled'],
  ['delayed', 'waiting'],
  ['delayed', 'active'],
  ['delayed', 'cancelled'],
  ['active', 'completed'],
  ['active', 'retrying'],
  ['active', 'failed'],
  ['active', 'active'],
  ['retrying', 'active'],
  ['retrying', 'failed'],
  ['failed', 'waiting'],
];

describe('canTransition', () => {
  const matrix = ALL_STATUSES.flatMap((from) =>
    ALL_STATUSES.map((to) => [from, to, ALLOWED.some(([f, t]) => f === from && t === to)] as const),
  );

  it.each(matrix)('%s → %s allowed: %s', (from, to, allowed) => {
    // Act
    const result = canTransition(from, to);

    // Assess
    expect(result).toBe(allowed);
  });

  it('lets nothing leave completed or cancelled', () => {
    // Act
    const leaving = ALL_STATUSES.filter((to) => canTransition('completed', to) || canTransition('cancelled', to));

    // Assess
    expect(leaving).toEqual([]);
  });

  it('reaches active only from the claimable states, plus a lease reclaim', () => {
    // Act
    const into = ALL_STATUSES.filter((from) => canTransition(from, 'active'));

    // Assess
    expect(into.sort()).toEqual([...CLAIMABLE_STATUSES, 'active'].sort());
  });

  it('reaches cancelled only from the cancellable states', () => {
    // Act
    const into = ALL_STATUSES.filter((from) => canTransition(from, 'cancelled'));

    // Assess
    expect(into.sort()).toEqual([...CANCELLABLE_STATUSES].sort());
  });
});

describe('isFinal', () => {
  it.each(ALL_STATUSES.map((s) => [s, FINAL_STATUSES.includes(s)] as const))('%s final: %s', (status, final) => {
    // Act / Assess
    expect(isFinal(status)).toBe(final);
  });

  it('treats completed, failed and cancelled as final', () => {
    // Assess
    expect([...FINAL_STATUSES].sort()).toEqual(['cancelled', 'completed', 'failed']);
  });
});

describe('isOwnedBy', () => {
  it.each<[string, { partner?: string }, string, boolean]>([
    ['its own partner', { partner: 'acme' }, 'acme', true],
    ['another partner', { partner: 'acme' }, 'globex', false],
    ['anyone, for a job that records no partner', {}, 'acme', false],
    ['an empty name, for a job that records no partner', {}, '', false],
  ])('lets %s own the job: %j', (_case, job, partner, owned) => {
    // Act / Assess
    expect(isOwnedBy(job, partner)).toBe(owned);
  });
});

describe('appendHistory', () => {
  it('appends to a short history without changing the original', () => {
    // Prepare
    const history = [anAttemptRecord({ attempt: 1, outcome: 'retrying' })];
    const entry = anAttemptRecord({ attempt: 2 });

    // Act
    const result = appendHistory(history, entry);

    // Assess
    expect(result).toEqual([history[0], entry]);
    expect(history).toHaveLength(1);
  });

  it(`caps at ${MAX_HISTORY_ENTRIES} entries, keeping the latest`, () => {
    // Prepare
    const full = Array.from({ length: MAX_HISTORY_ENTRIES }, (_, i) => anAttemptRecord({ attempt: i + 1, outcome: 'retrying' }));
    const latest = anAttemptRecord({ attempt: MAX_HISTORY_ENTRIES + 1, outcome: 'failed', category: 'server' });

    // Act
    const result = appendHistory(full, latest);

    // Assess
    expect(result).toHaveLength(MAX_HISTORY_ENTRIES);
    expect(result.map((r) => r.attempt)).toEqual(Array.from({ length: MAX_HISTORY_ENTRIES }, (_, i) => i + 2));
    expect(result.at(-1)).toBe(latest);
  });

  it('keeps the cap over many appends', () => {
    // Prepare
    let history = appendHistory([], anAttemptRecord({ attempt: 1 }));

    // Act
    for (let attempt = 2; attempt <= 25; attempt += 1) history = appendHistory(history, anAttemptRecord({ attempt }));

    // Assess
    expect(history.map((r) => r.attempt)).toEqual([18, 19, 20, 21, 22, 23, 24, 25]);
  });
});

describe('shortMessage', () => {
  it('leaves a message of the limit untouched', () => {
    // Prepare
    const message = 'x'.repeat(MAX_ERROR_MESSAGE_LENGTH);

    // Act / Assess
    expect(shortMessage(message)).toBe(message);
    expect(shortMessage('')).toBe('');
  });

  it('cuts a longer message to the limit, ending with an ellipsis', () => {
    // Prepare
    const message = 'a'.repeat(MAX_ERROR_MESSAGE_LENGTH) + 'TAIL';

    // Act
    const result = shortMessage(message);

    // Assess
    expect(result).toHaveLength(MAX_ERROR_MESSAGE_LENGTH);
    expect(result.endsWith('…')).toBe(true);
    expect(result).not.toContain('TAIL');
    expect(result.slice(0, -1)).toBe(message.slice(0, MAX_ERROR_MESSAGE_LENGTH - 1));
  });
});

describe('storableResult', () => {
  it('keeps a small result inline', () => {
    // Prepare
    const result = { receipt: 'QJK7', amount: 1000 };

    // Act / Assess
    expect(storableResult(result)).toBe(result);
  });

  it('keeps a result of exactly the limit inline', () => {
    // Prepare: a JSON string of MAX_INLINE_RESULT_BYTES bytes (two quotes included)
    const result = 'x'.repeat(MAX_INLINE_RESULT_BYTES - 2);

    // Act / Assess
    expect(storableResult(result)).toBe(result);
  });

  it('summarises a result one byte over the limit, with its size', () => {
    // Prepare
    const result = 'x'.repeat(MAX_INLINE_RESULT_BYTES - 1);

    // Act
    const stored = storableResult(result);

    // Assess
    expect(stored).toEqual({ truncated: true, bytes: MAX_INLINE_RESULT_BYTES + 1 });
  });

  it('measures bytes, not characters', () => {
    // Prepare: 150 three-byte characters are 450 bytes in 150 characters
    const result = '€'.repeat(150);

    // Act / Assess
    expect(storableResult(result)).toEqual({ truncated: true, bytes: 452 });
  });

  it('keeps nothing for undefined or a value JSON cannot hold', () => {
    // Act / Assess
    expect(storableResult(undefined)).toBeUndefined();
    expect(storableResult(() => 1)).toBeUndefined();
  });

  it('keeps null and falsy values inline', () => {
    // Act / Assess
    expect(storableResult(null)).toBeNull();
    expect(storableResult(0)).toBe(0);
    expect(storableResult('')).toBe('');
  });
});

describe('jobMessageOf', () => {
  it("rebuilds the run's message from its record and data, keeping the partner, group and correlation id", () => {
    // Prepare
    const job = aJobRecord({ jobId: 'job-9', runId: 'run-9', groupId: 'order-1', correlationId: 'corr-1', partner: 'acme' });

    // Act
    const message = jobMessageOf(job, { amount: 5 });

    // Assess
    expect(message).toEqual({
      jobId: 'job-9',
      runId: 'run-9',
      queue: job.queue,
      name: job.name,
      data: { amount: 5 },
      priority: job.priority,
      correlationId: 'corr-1',
      groupId: 'order-1',
      partner: 'acme',
    });
  });

  it('leaves out what the record does not have', () => {
    // Act
    const message = jobMessageOf(aJobRecord({ partner: undefined, groupId: undefined, correlationId: undefined }), null);

    // Assess
    expect(Object.keys(message).sort()).toEqual(['data', 'jobId', 'name', 'priority', 'queue', 'runId']);
  });
});
