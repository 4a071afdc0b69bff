import type { AdminApi, ApiAnswer, ApiRequest } from '../../../ops/admin-api';
import type { OpsIo } from '../../../ops/io';
import { runOps } from '../../../ops/program';

/** A terminal that records what the CLI writes and answers its questions from a script. */
export function recordingIo(options: { interactive?: boolean; answers?: string[] } = {}) {
  const answers = [...(options.answers ?? [])];
  const io = {
    stdout: [] as string[],
    stderr: [] as string[],
    progressLines: [] as string[],
    questions: [] as string[],
    sleeps: 0,
    /** How long each sleep was asked to last. */
    sleptMs: [] as number[],
    interactive: options.interactive ?? false,
    out: (line: string) => void io.stdout.push(line),
    err: (line: string) => void io.stderr.push(line),
    progress: (line: string) => void io.progressLines.push(line),
    endProgress: () => undefined,
    ask: async (question: string) => {
      io.questions.push(question);
      return answers.shift() ?? '';
    },
    sleep: async (ms: number) => {
      io.sleeps += 1;
      io.sleptMs.push(ms);
    },
  } satisfies OpsIo & Record<string, unknown>;
  return io;
}

/** One call the fake API received. */
export interface ApiCall {
  readonly method: string;
  readonly path: string;
  readonly request: ApiRequest;
}

/** An admin API that records calls and answers each from `reply` (200 `{ ok: true }` by default). */
export function fakeApi(reply: (call: ApiCall) => ApiAnswer | Promise<ApiAnswer> = () => ({ status: 200, body: { ok: true } })) {
  const calls: ApiCall[] = [];
  const api: AdminApi = {
    request: async (method, path, request = {}) => {
      const call = { method, path, request };
      calls.push(call);
      return reply(call);
    },
  };
  return { api, calls, connections: 0 };
}

/**
 * Runs the CLI against a fake API; counts connections, so a test can show
 * none was made (a usage error is refused before connecting).
 */
export async function runCli(
  argv: string[],
  options: { reply?: (call: ApiCall) => ApiAnswer | Promise<ApiAnswer>; interactive?: boolean; answers?: string[] } = {},
) {
  const io = recordingIo(options);
  const fake = fakeApi(options.reply);
  let connections = 0;
  const code = await runOps(argv, io, async () => {
    connections += 1;
    return fake.api;
  });
  return { code, io, calls: fake.calls, connections, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

/** An endpoint as the admin routes show it (`VIEW_WITH_SECRET`), with overrides. */
export function anEndpointView(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    endpoint_id: 'ep_abcdefghijklmnopqrst',
    user_id: 'user-1',
    url: 'https://app.example.com/hooks/mpesa?key=abc',
    headers: { Authorization: 'Bearer app-token' },
    body: 'raw',
    enabled: true,
    inbound_url: 'https://api.example.com/prod/webhook/user-1/ep_abcdefghijklmnopqrst.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    circuit: { state: 'closed', failure_threshold: 5, cooldown_seconds: 30, consecutive_failures: 0 },
    counts: { failures: 0, circuit_opens: 0 },
    secrets_signing: 1,
    secret: 'whsec_c2VjcmV0LWtleS1ieXRlcw==',
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}
