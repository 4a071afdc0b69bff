import type { FetchFunction } from '../../../client/src/transport';

/** One scripted answer: a status with a JSON body (and headers), or an error the fetch throws (a network failure). */
export type FakeReply = { readonly status: number; readonly body?: unknown; readonly headers?: Record<string, string> } | Error;

/** One request the fake got. */
export interface FakeCall {
  readonly method: string;
  readonly url: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/**
 * A fake `fetch` that answers from a script: a list of replies taken in turn
 * (the last one repeats), or a function of the call. It records every call.
 */
export function fakeFetch(script: readonly FakeReply[] | ((call: FakeCall, index: number) => FakeReply)) {
  const calls: FakeCall[] = [];
  let count = 0;
  const fetch: FetchFunction = async (input, init) => {
    const url = new URL(input);
    const call: FakeCall = {
      method: init.method,
      url: input,
      path: `${url.pathname}${url.search}`,
      headers: init.headers,
      body: init.body === undefined ? undefined : JSON.parse(init.body),
    };
    calls.push(call);
    const index = count++;
    const reply = typeof script === 'function' ? script(call, index) : script[Math.min(index, script.length - 1)];
    if (reply === undefined) throw new Error('the fake fetch has no reply scripted');
    if (reply instanceof Error) throw reply;
    return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
      status: reply.status,
      headers: { 'content-type': 'application/json', ...reply.headers },
    });
  };
  return { fetch, calls };
}

/** A job view as `GET /jobs/{id}` answers it. */
export function jobView(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ok: true,
    job_id: 'job-1',
    queue: 'order-routing',
    name: 'welcome',
    status: 'waiting',
    priority: 'normal',
    attempts: 0,
    max_attempts: 3,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    history: [],
    ...fields,
  };
}

/** The error envelope. */
export function errorEnvelope(code: string, message: string, details?: unknown): Record<string, unknown> {
  return { ok: false, error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** The settings of a test queue: no waits between retries unless a test sets them. */
export const TEST_URL = 'https://api.test/prod';
