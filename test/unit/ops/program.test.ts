import { describe, expect, it } from 'vitest';
import { runOps } from '../../../ops/program';
import { fakeApi, recordingIo, type ApiCall } from './ops-fakes';

/** Runs the CLI against a fake API; counts connections, so a test can show none was made. */
async function run(argv: string[], options: { reply?: Parameters<typeof fakeApi>[0]; interactive?: boolean; answers?: string[] } = {}) {
  const io = recordingIo(options);
  const fake = fakeApi(options.reply);
  let connections = 0;
  const code = await runOps(argv, io, async () => {
    connections += 1;
    return fake.api;
  });
  return { code, io, calls: fake.calls, connections };
}

describe('ops CLI arguments', () => {
  it.each([
    [['redrive', 'email'], 'say what to redrive'],
    [['redrive', 'email', '--all', '--ids', 'a'], 'cannot be used with'],
    [['redrive', 'email', '--ids', 'a', '--rate', '5'], '--rate applies to --all only'],
    [['redrive', 'email', '--all', '--rate', '0'], '--rate must be a whole number from 1 to 500'],
    [['redrive', 'email', '--ids', 'a,b c'], 'is not a job id'],
    [['metrics', 'email', '--minutes', '2000'], '--minutes must be a whole number from 1 to 1440'],
    [['failed', 'email', '--limit', 'ten'], '--limit must be a whole number'],
    [['clean', 'email', '--older-than', '2'], "required option '--state <state>' not specified"],
    [['clean', 'email', '--state', 'active', '--older-than', '2'], 'Allowed choices are completed, failed, cancelled'],
    [['clean', 'email', '--state', 'failed', '--older-than', '-1'], 'hours must be a number, 0 or more'],
    [['nope'], "unknown command 'nope'"],
  ])('refuses %j before calling the API', async (argv, message) => {
    // Act
    const { code, io, connections } = await run(argv);

    // Assess
    expect(code).toBe(1);
    expect(io.stderr.join('\n')).toContain(message);
    expect(connections).toBe(0);
  });

  it('sends the ids of a selective redrive, however they are spaced', async () => {
    // Act
    const { code, calls, io } = await run(['redrive', 'email', '--ids', 'a, b,,c'], {
      reply: () => ({ status: 200, body: { ok: true, moved: [{ job_id: 'a', lane: 'default' }] } }),
    });

    // Assess
    expect(code).toBe(0);
    expect(calls).toEqual([{ method: 'POST', path: '/admin/queues/email/redrive', request: { body: { job_ids: ['a', 'b', 'c'] } } }]);
    expect(io.stdout.join('\n')).toContain('a → default');
  });

  it('follows a redrive of everything with a progress line until the task ends', async () => {
    // Prepare: the task runs for two reads, then completes
    const statuses = ['RUNNING', 'RUNNING', 'COMPLETED'];
    const reply = (call: ApiCall) =>
      call.method === 'POST'
        ? { status: 202, body: { ok: true, dlq: 20, destination_lane: 'normal' } }
        : { status: 200, body: { ok: true, task: { status: statuses.shift(), moved: 20 - 10 * statuses.length, to_move: 20, max_per_second: 50 } } };

    // Act
    const { code, calls, io } = await run(['redrive', 'payments', '--all', '--rate', '50'], { reply });

    // Assess
    expect(code).toBe(0);
    expect(calls[0]).toEqual({ method: 'POST', path: '/admin/queues/payments/redrive', request: { body: { all: true, max_per_second: 50 } } });
    expect(calls.slice(1).every((call) => call.method === 'GET' && call.path === '/admin/queues/payments/redrive')).toBe(true);
    expect(io.progressLines).toEqual([
      'payments: redrive RUNNING 0/20 moved at ≤ 50/s',
      'payments: redrive RUNNING 10/20 moved at ≤ 50/s',
      'payments: redrive COMPLETED 20/20 moved at ≤ 50/s',
    ]);
    expect(io.sleeps).toBe(2);
    expect(io.stdout[0]).toBe('moving about 20 dead-lettered jobs to the normal lane');
  });

  it('exits 1 when the redrive task fails', async () => {
    // Act
    const { code, io } = await run(['redrive', 'payments', '--all'], {
      reply: (call) =>
        call.method === 'POST' ? { status: 202, body: { ok: true } } : { status: 200, body: { ok: true, task: { status: 'FAILED', moved: 3, failure_reason: 'AWS.SimpleQueueService.NonExistentQueue' } } },
    });

    // Assess
    expect(code).toBe(1);
    expect(io.stderr.join('\n')).toContain('the redrive ended FAILED');
  });

  it('refuses to purge without a terminal to confirm on unless told --yes', async () => {
    // Act
    const refused = await run(['purge', 'email']);
    const forced = await run(['purge', 'email', '--yes'], { reply: () => ({ status: 200, body: { ok: true, marked: 2 } }) });

    // Assess
    expect(refused.code).toBe(1);
    expect(refused.io.stderr.join('\n')).toContain('pass --yes');
    expect(refused.calls).toHaveLength(0);
    expect(forced.code).toBe(0);
    expect(forced.calls).toEqual([{ method: 'DELETE', path: '/admin/queues/email/dlq', request: { query: { confirm: 'email' } } }]);
  });

  it('purges only when the queue name is typed back', async () => {
    // Act
    const wrong = await run(['purge', 'email'], { interactive: true, answers: ['yes'] });
    const right = await run(['purge', 'email'], { interactive: true, answers: [' email '] });

    // Assess
    expect(wrong.code).toBe(1);
    expect(wrong.calls).toHaveLength(0);
    expect(wrong.io.questions[0]).toContain('Type the queue name to confirm');
    expect(right.code).toBe(0);
    expect(right.calls).toHaveLength(1);
  });

  it('sends clean with snake_case fields and fractional hours', async () => {
    // Act
    const { code, calls } = await run(['clean', 'email', '--state', 'completed', '--older-than', '1.5'], {
      reply: () => ({ status: 200, body: { ok: true, deleted: 3 } }),
    });

    // Assess
    expect(code).toBe(0);
    expect(calls[0]?.request.body).toEqual({ state: 'completed', older_than_hours: 1.5 });
  });

  it('prints the answer as JSON with --json', async () => {
    // Act
    const { io } = await run(['--json', 'pause', 'email'], { reply: () => ({ status: 200, body: { ok: true, paused: true, mappings: [] } }) });

    // Assess
    expect(JSON.parse(io.stdout.join('\n'))).toEqual({ ok: true, paused: true, mappings: [] });
  });

  it("reports the API's error envelope and exits 1", async () => {
    // Act
    const { code, io } = await run(['retry', 'job-1'], {
      reply: () => ({ status: 409, body: { ok: false, error: { code: 'not_failed', message: 'job job-1 is completed' } } }),
    });

    // Assess
    expect(code).toBe(1);
    expect(io.stderr).toEqual(['error: not_failed: job job-1 is completed']);
  });

  it("reports API Gateway's own refusal of a bad signature", async () => {
    // Act
    const { io } = await run(['queues'], { reply: () => ({ status: 403, body: { message: 'The security token included in the request is invalid.' } }) });

    // Assess
    expect(io.stderr).toEqual(['error: HTTP 403: The security token included in the request is invalid.']);
  });

  it('passes the failed filters as the query', async () => {
    // Act
    const { calls } = await run(['failed', 'payments', '--category', 'client', '--limit', '5', '--cursor', 'abc'], {
      reply: () => ({ status: 200, body: { ok: true, jobs: [], next_cursor: null } }),
    });

    // Assess
    expect(calls[0]).toEqual({
      method: 'GET',
      path: '/admin/queues/payments/failed',
      request: { query: { limit: '5', category: 'client', cursor: 'abc' } },
    });
  });
});
