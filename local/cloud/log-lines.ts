import type { Readable } from 'node:stream';

/**
 * Sends each complete line read from `stream` to `log` with `prefix` in front,
 * so the output of many functions interleaves line by line, each line saying
 * whose it is (`[ingest] {"level":"INFO",…}`). A last line without a newline
 * is sent when the stream ends.
 *
 * @example
 * prefixLines(worker.stdout, '[ingest] ', console.log);
 */
export function prefixLines(stream: Readable, prefix: string, log: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) log(prefix + line.replace(/\r$/, ''));
  });
  stream.on('end', () => {
    if (pending !== '') log(prefix + pending);
    pending = '';
  });
}
