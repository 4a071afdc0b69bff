import type { Readable } from 'node:stream';

/**
 * Sends each complete line read from `stream` to `onLine`, without its line
 * break, so the output of many functions interleaves line by line. A last
 * line without a newline is sent when the stream ends.
 *
 * @example
 * forEachLine(worker.stdout, (line) => console.log(displayLogLine(line, 'ingest', new Date())));
 */
export function forEachLine(stream: Readable, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line.replace(/\r$/, ''));
  });
  stream.on('end', () => {
    if (pending !== '') onLine(pending);
    pending = '';
  });
}
