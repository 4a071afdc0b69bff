import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { clockTime, displayLogLine } from '../../../local/cloud/log-display';
import { forEachLine } from '../../../local/cloud/log-lines';

/** A moment built from local clock parts, so the expected time of day holds in any time zone. */
const AT = new Date(2026, 11, 1, 12, 1, 2, 345);
const RECEIVED = new Date(2026, 11, 1, 9, 8, 7, 6);

/** A record as Powertools' standard formatter writes it, context and all. */
function aPowertoolsRecord(extra: Record<string, unknown>): string {
  return JSON.stringify({
    level: 'INFO',
    message: 'job completed',
    timestamp: AT.toISOString(),
    service: 'consumer-payments',
    cold_start: true,
    function_arn: 'arn:aws:lambda:us-east-1:000000000000:function:consumer-payments',
    function_memory_size: '256',
    function_name: 'consumer-payments',
    function_request_id: '8f0c2a3e-2f4b-4b7e-9a0e-1f2e3d4c5b6a',
    request_id: '8f0c2a3e-2f4b-4b7e-9a0e-1f2e3d4c5b6a',
    sampling_rate: 0,
    xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
    ...extra,
  });
}

describe('displayLogLine', () => {
  it('shows a record as time, function, level, message and its own keys, without the context every line carries', () => {
    // Prepare
    const line = aPowertoolsRecord({ job_id: 'j-1', queue: 'payments', attempt: 1, duration_ms: 12 });

    // Act
    const shown = displayLogLine(line, 'consumer-payments', RECEIVED);

    // Assess
    expect(shown).toBe('12:01:02.345 consumer-payments INFO job completed job_id=j-1 queue=payments attempt=1 duration_ms=12');
  });

  it('shows a list of jobs by their ids, the rest of each entry left to the JSON', () => {
    // Prepare
    const completed = [
      { job_id: 'j-1', attempt: 1, duration_ms: 12, correlation_id: 'c-1' },
      { job_id: 'j-2', attempt: 2, duration_ms: 7, correlation_id: 'c-2' },
    ];
    const line = aPowertoolsRecord({ message: 'batch done', queue: 'payments', completed: 2, completed_jobs: completed, sizes: [1, 2] });

    // Act
    const shown = displayLogLine(line, 'consumer-payments', RECEIVED);

    // Assess: other arrays stay JSON
    expect(shown).toBe('12:01:02.345 consumer-payments INFO batch done queue=payments completed=2 completed_jobs=j-1,j-2 sizes=[1,2]');
  });

  it('takes the arrival time when the record has no timestamp', () => {
    // Prepare
    const line = JSON.stringify({ level: 'WARN', message: 'job dead-lettered', service: 'consumer-payments', job_id: 'j-1' });

    // Act
    const shown = displayLogLine(line, 'consumer-payments', RECEIVED);

    // Assess
    expect(shown).toBe('09:08:07.006 consumer-payments WARN job dead-lettered job_id=j-1');
  });

  it('quotes a value with spaces, writes objects as JSON and an error as its name, message, place and cause', () => {
    // Prepare
    const error = {
      name: 'JobFailedError',
      location: 'file:///var/task/index.mjs:12',
      message: 'HTTP 503',
      stack: 'JobFailedError: HTTP 503\n    at deliver (file:///var/task/index.mjs:12:5)',
      cause: { name: 'Error', location: '', message: 'socket hang up', stack: 'Error: socket hang up' },
    };
    const line = aPowertoolsRecord({ level: 'ERROR', message: 'batch item failed', reason: 'HTTP 503 from target', counts: { waiting: 2 }, tags: ['a', 'b'], paused: false, error });

    // Act
    const shown = displayLogLine(line, 'ingest', RECEIVED);

    // Assess
    expect(shown).toBe(
      '12:01:02.345 ingest ERROR batch item failed reason="HTTP 503 from target" counts={"waiting":2} tags=["a","b"] paused=false ' +
        'error="JobFailedError: HTTP 503 (file:///var/task/index.mjs:12); cause: Error: socket hang up"',
    );
  });

  it('shows an embedded metric line as METRICS with its dimensions and values', () => {
    // Prepare
    const line = JSON.stringify({
      _aws: { Timestamp: AT.getTime(), CloudWatchMetrics: [{ Namespace: 'JobPipeline', Dimensions: [['service', 'queue']], Metrics: [{ Name: 'JobsCompleted', Unit: 'Count' }] }] },
      service: 'job-pipeline',
      queue: 'payments',
      JobsCompleted: 10,
      ProcessingTime: [12, 13],
    });

    // Act
    const shown = displayLogLine(line, 'consumer-payments', RECEIVED);

    // Assess
    expect(shown).toBe('12:01:02.345 consumer-payments METRICS queue=payments JobsCompleted=10 ProcessingTime=[12,13]');
  });

  it.each([
    ['text', 'Task started'],
    ['broken JSON', '{"level":"INFO",'],
    ['JSON that is not a record', '{"hello":"world"}'],
    ['a JSON array', '[1,2]'],
  ])('shows %s as it is, after the arrival time and the function', (_case, line) => {
    // Act
    const shown = displayLogLine(line, 'ingest', RECEIVED);

    // Assess
    expect(shown).toBe(`09:08:07.006 ingest ${line}`);
  });
});

describe('clockTime', () => {
  it('pads hours, minutes, seconds and milliseconds', () => {
    // Act
    const shown = clockTime(new Date(2026, 0, 2, 3, 4, 5, 6));

    // Assess
    expect(shown).toBe('03:04:05.006');
  });
});

describe('forEachLine', () => {
  it('hands over whole lines across chunks, without line breaks, and a last line without one at the end', async () => {
    // Prepare
    const stream = new PassThrough();
    const lines: string[] = [];
    forEachLine(stream, (line) => lines.push(line));
    const ended = new Promise((resolve) => stream.on('end', resolve));

    // Act
    stream.write('{"level":"INFO",');
    stream.write('"message":"a"}\r\nsecond\nthi');
    stream.end('rd');
    await ended;

    // Assess
    expect(lines).toEqual(['{"level":"INFO","message":"a"}', 'second', 'third']);
  });
});
