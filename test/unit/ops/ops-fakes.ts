import type { AdminApi, ApiAnswer, ApiRequest } from '../../../ops/admin-api';
import type { OpsIo } from '../../../ops/io';

/** A terminal that records what the CLI writes and answers its questions from a script. */
export function recordingIo(options: { interactive?: boolean; answers?: string[] } = {}) {
  const answers = [...(options.answers ?? [])];
  const io = {
    stdout: [] as string[],
    stderr: [] as string[],
    progressLines: [] as string[],
    questions: [] as string[],
    sleeps: 0,
    interactive: options.interactive ?? false,
    out: (line: string) => void io.stdout.push(line),
    err: (line: string) => void io.stderr.push(line),
    progress: (line: string) => void io.progressLines.push(line),
    endProgress: () => undefined,
    ask: async (question: string) => {
      io.questions.push(question);
      return answers.shift() ?? '';
    },
    sleep: async () => {
      io.sleeps += 1;
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
