import { Agent, request } from 'node:http';

/** The answer to one request, with its round trip. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  /** From sending the request to the end of the answer, in ms. */
  readonly ms: number;
}

/** Kept-alive sockets, as a partner's HTTP client would keep them; one per concurrent request. */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/**
 * POSTs `body` as JSON and reads the JSON answer, timing the round trip.
 * Network errors reject; any HTTP status resolves.
 *
 * @example
 * const { status, body, ms } = await postJson(`${apiUrl}/jobs/email`, { data: {} }, { 'x-api-key': key });
 */
export function postJson(url: string, body: unknown, headers: Readonly<Record<string, string>> = {}): Promise<HttpAnswer> {
  const payload = Buffer.from(JSON.stringify(body));
  const started = performance.now();
  return new Promise<HttpAnswer>((resolve, reject) => {
    const outgoing = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(payload.length), ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // Kept as text: the caller reports what came back.
          }
          resolve({ status: response.statusCode ?? 0, body: parsed, ms: performance.now() - started });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/**
 * Runs `task(0…count-1)` with at most `concurrency` running at once, in index
 * order, and resolves with their results in index order.
 *
 * @example
 * await runPool(2000, 50, (index) => postJson(url, jobBody(index)));
 */
export async function runPool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
