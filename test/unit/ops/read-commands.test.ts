import { describe, expect, it } from 'vitest';
import { runCli, type ApiCall } from './ops-fakes';

const ok = (body: Record<string, unknown>, status = 200) => ({ status, body: { ok: true, ...body } });

describe('ops status', () => {
  it('prints GET /queue/status as a table with a total row and the age of the counts', async () => {
    // Act
    const { code, calls, stdout } = await runCli(['status'], {
      reply: () =>
        ok({
          computed_at: '2026-01-01T00:00:00.000Z',
          age_seconds: 4,
          queues: {
            email: { waiting: 1, active: 0, delayed: 2, completed: 10, failed: 1, dlq: 1, total: 14 },
            payments: { waiting: 0, active: 1, delayed: 0, completed: 3, failed: 0, dlq: 0, total: 4 },
          },
        }),
    });

    // Assess
    expect(code).toBe(0);
    expect(calls).toEqual([{ method: 'GET', path: '/queue/status', request: {} }]);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^queue\s+waiting\s+active\s+delayed\s+done 24h\s+failed\s+dlq\s+total$/);
    expect(lines[2]).toMatch(/^email\s+1\s+0\s+2\s+10\s+1\s+1\s+14$/);
    expect(lines[4]).toMatch(/^total\s+1\s+1\s+2\s+13\s+1\s+1\s+18$/);
    expect(lines.at(-1)).toBe('counts as of 2026-01-01T00:00:00.000Z (4 seconds old: the counts are shared and refreshed at most every 15 seconds)');
  });

  it('prints the answer itself with --json', async () => {
    // Act
    const { stdout } = await runCli(['--json', 'status'], { reply: () => ok({ age_seconds: 1, queues: {} }) });

    // Assess
    expect(JSON.parse(stdout)).toEqual({ ok: true, age_seconds: 1, queues: {} });
  });
});

describe('ops job <id>', () => {
  it('reads the job through the admin route and prints its fields and attempts', async () => {
    // Act
    const { code, calls, stdout } = await runCli(['job', 'd-abc'], {
      reply: () =>
        ok({
          job_id: 'd-abc', queue: 'payments', name: 'stk_push', status: 'failed', priority: 'high', attempts: 3, max_attempts: 3, partner: 'globex',
          created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:01:00.000Z', error: { category: 'server', message: 'target answered 503' },
          history: [
            { attempt: 1, at: '2026-01-01T00:00:01.000Z', outcome: 'retrying', category: 'server', message: 'target answered 503', duration_ms: 40, retry_in_ms: 2000 },
            { attempt: 3, at: '2026-01-01T00:01:00.000Z', outcome: 'failed', category: 'server', message: 'target answered 503', duration_ms: 35 },
          ],
        }),
    });

    // Assess
    expect(code).toBe(0);
    expect(calls).toEqual([{ method: 'GET', path: '/admin/jobs/d-abc', request: {} }]);
    expect(stdout).toMatch(/^job\s+d-abc$/m);
    expect(stdout).toMatch(/^attempts\s+3 of 3$/m);
    expect(stdout).toMatch(/^partner\s+globex$/m);
    expect(stdout).toMatch(/^error\s+server: target answered 503$/m);
    expect(stdout).not.toMatch(/^group/m);
    expect(stdout).toMatch(/^\s+1\s+2026-01-01T00:00:01.000Z\s+retrying\s+server\s+40\s+2000\s+target answered 503$/m);
    expect(stdout).toMatch(/^\s+3\s+2026-01-01T00:01:00.000Z\s+failed\s+server\s+35\s+-\s+target answered 503$/m);
  });

  it('refuses a malformed id before calling the API, and exits 1 on 404', async () => {
    // Act
    const malformed = await runCli(['job', 'a b']);
    const missing = await runCli(['job', 'd-gone'], {
      reply: () => ({ status: 404, body: { ok: false, error: { code: 'job_not_found', message: 'there is no job with id "d-gone"' } } }),
    });

    // Assess
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain('is not a job id');
    expect(malformed.connections).toBe(0);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: job_not_found: there is no job with id "d-gone"');
  });
});

describe('ops redrive-status', () => {
  it('reads the latest task once and prints it with the DLQ depth', async () => {
    // Act
    const { code, calls, stdout } = await runCli(['redrive-status', 'payments'], {
      reply: () => ok({ queue: 'payments', dlq: 1, task: { status: 'COMPLETED', moved: 20, to_move: 20 } }),
    });

    // Assess
    expect(code).toBe(0);
    expect(calls).toEqual([{ method: 'GET', path: '/admin/queues/payments/redrive', request: {} }]);
    expect(stdout).toBe('payments: redrive COMPLETED 20/20 moved\ndead-letter queue: 1 message now');
  });

  it('says so when no redrive has run', async () => {
    // Act
    const { code, stdout } = await runCli(['redrive-status', 'payments'], { reply: () => ok({ queue: 'payments', dlq: 0, task: null }) });

    // Assess
    expect(code).toBe(0);
    expect(stdout).toBe('payments: no redrive has run\ndead-letter queue: 0 messages now');
  });

  it('with --watch, polls every 2 s until the task ends, one progress line per change', async () => {
    // Prepare: five reads, the second repeating the first
    const moved = [0, 0, 10, 20];
    const reply = (_call: ApiCall) => {
      const count = moved.shift();
      return count === undefined
        ? ok({ dlq: 0, task: { status: 'COMPLETED', moved: 30, to_move: 30 } })
        : ok({ dlq: 30 - count, task: { status: 'RUNNING', moved: count, to_move: 30 } });
    };

    // Act
    const { code, calls, io } = await runCli(['redrive-status', 'payments', '--watch'], { reply });

    // Assess
    expect(code).toBe(0);
    expect(calls).toHaveLength(5);
    expect(io.progressLines).toEqual([
      'payments: redrive RUNNING 0/30 moved',
      'payments: redrive RUNNING 10/30 moved',
      'payments: redrive RUNNING 20/30 moved',
      'payments: redrive COMPLETED 30/30 moved',
    ]);
    expect(io.sleptMs).toEqual([2000, 2000, 2000, 2000]);
    expect(io.stdout).toEqual(['dead-letter queue: 0 messages now']);
  });

  it('with --watch, exits 1 when the task ends failed', async () => {
    // Act
    const { code, stderr } = await runCli(['redrive-status', 'payments', '--watch'], {
      reply: () => ok({ dlq: 5, task: { status: 'FAILED', moved: 3, failure_reason: 'AWS.SimpleQueueService.NonExistentQueue' } }),
    });

    // Assess
    expect(code).toBe(1);
    expect(stderr).toBe('error: the redrive ended FAILED');
  });
});

describe('ops wording', () => {
  it('says a lane and its mapping state apart on pause', async () => {
    // Act
    const { stdout } = await runCli(['pause', 'payments'], {
      reply: () =>
        ok({
          paused: true,
          mappings: [
            { uuid: 'u1', lane: 'urgent', state: 'Disabling' },
            { uuid: 'u2', lane: null, state: 'Updating' },
          ],
        }),
    });

    // Assess
    expect(stdout).toBe('payments is paused (lane urgent: mapping disabling; mapping u2 on no lane of payments: updating)');
  });

  it('says so when the consumer has no mappings', async () => {
    // Act
    const { stdout } = await runCli(['resume', 'email'], { reply: () => ok({ paused: false, mappings: [] }) });

    // Assess
    expect(stdout).toBe('email is running (its consumer has no event source mappings)');
  });

  it.each([
    [1, 'moved 1 job back to work:'],
    [2, 'moved 2 jobs back to work:'],
  ])('counts %i moved job(s) in the singular or plural', async (count, line) => {
    // Act
    const { stdout } = await runCli(['redrive', 'email', '--ids', 'a,b'], {
      reply: () => ok({ moved: Array.from({ length: count }, (_, index) => ({ job_id: `j${index}`, lane: 'default' })) }),
    });

    // Assess
    expect(stdout.split('\n')[0]).toBe(line);
  });

  it('counts purged jobs and cleaned records in the singular for one', async () => {
    // Act
    const purged = await runCli(['purge', 'email', '--yes'], { reply: () => ok({ marked: 1 }) });
    const cleaned = await runCli(['clean', 'email', '--state', 'failed', '--older-than', '1'], { reply: () => ok({ deleted: 1 }) });
    const cleanedMany = await runCli(['clean', 'email', '--state', 'failed', '--older-than', '1.5'], { reply: () => ok({ deleted: 3 }) });

    // Assess
    expect(purged.stdout).toBe('purged the DLQ of email; 1 failed job marked as purged');
    expect(cleaned.stdout).toBe('deleted 1 failed record of email older than 1 hour');
    expect(cleanedMany.stdout).toBe('deleted 3 failed records of email older than 1.5 hours');
  });

  it('says "about 1 dead-lettered job" when a redrive of everything starts with one', async () => {
    // Act
    const { stdout } = await runCli(['redrive', 'email', '--all'], {
      reply: (call) => (call.method === 'POST' ? ok({ dlq: 1, destination_lane: 'default' }, 202) : ok({ task: { status: 'COMPLETED', moved: 1, to_move: 1 } })),
    });

    // Assess
    expect(stdout.split('\n')[0]).toBe('moving about 1 dead-lettered job to the default lane');
  });
});
