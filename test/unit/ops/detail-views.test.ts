import { describe, expect, it } from 'vitest';
import { endpointDetail, shortUrl } from '../../../ops/format/endpoint-views';
import { jobDetail } from '../../../ops/format/job-detail';
import { renderFields } from '../../../ops/format/table';
import { statusTable } from '../../../ops/format/views';
import { anEndpointView } from './ops-fakes';

describe('renderFields', () => {
  it('pads labels to the longest, leaves out fields without a value, and indents the lines of a long value', () => {
    // Act
    const text = renderFields([
      ['job', 'j1'],
      ['group', undefined],
      ['headers', 'A: 1\nB: 2'],
      ['done', true],
    ]);

    // Assess
    expect(text.split('\n')).toEqual(['job      j1', 'headers  A: 1', '         B: 2', 'done     yes']);
  });
});

describe('shortUrl', () => {
  it('keeps host and path, drops the query, and cuts a long one', () => {
    // Act / Assess
    expect(shortUrl('https://app.example.com:8443/hooks/mpesa?token=secret')).toBe('app.example.com:8443/hooks/mpesa');
    expect(shortUrl('https://app.example.com/')).toBe('app.example.com');
    expect(shortUrl(`https://app.example.com/${'a'.repeat(60)}`, 20)).toBe('app.example.com/aaa…');
    expect(shortUrl(undefined)).toBeUndefined();
  });
});

describe('endpointDetail', () => {
  it('words an endpoint disabled by a 410, a half-open circuit, its last failure and its counts', () => {
    // Prepare
    const endpoint = anEndpointView({
      enabled: false,
      disabled_reason: 'gone',
      description: 'shop till',
      circuit: { state: 'half_open', failure_threshold: 1, cooldown_seconds: 1, consecutive_failures: 1, opened_at: '2026-01-01T00:00:00.000Z' },
      last_failure: { at: '2026-01-01T00:00:00.000Z', category: 'client', message: 'target answered 410 Gone', status: 410 },
      counts: { failures: 1, circuit_opens: 2 },
      secrets_signing: 2,
      previous_secret_expires_at: '2026-01-02T00:00:00.000Z',
    });

    // Act
    const text = endpointDetail(endpoint);

    // Assess
    expect(text).toMatch(/^enabled\s+no: it answered 410 Gone$/m);
    expect(text).toMatch(/^circuit\s+half-open \(one probe goes through\)$/m);
    expect(text).toMatch(/^ {2}opens after\s+1 retryable failure in a row$/m);
    expect(text).toMatch(/^ {2}cool-down\s+1 second$/m);
    expect(text).toMatch(/^ {2}opened at\s+2026-01-01T00:00:00.000Z$/m);
    expect(text).not.toMatch(/retry after/);
    expect(text).toMatch(/^last failure\s+2026-01-01T00:00:00.000Z client \(HTTP 410\): target answered 410 Gone$/m);
    expect(text).toMatch(/^counts\s+1 failed delivery; the circuit opened 2 times$/m);
    expect(text).toMatch(/^secrets signing\s+2 \(the previous secret until 2026-01-02T00:00:00.000Z\)$/m);
    expect(text).toMatch(/^description\s+shop till$/m);
  });
});

describe('jobDetail', () => {
  it('shows a waiting job without the fields it lacks, and an empty history as (none)', () => {
    // Act
    const lines = jobDetail({ job_id: 'j1', queue: 'email', name: 'send', status: 'waiting', priority: 'normal', attempts: 0, max_attempts: 3, history: [] }).split('\n');

    // Assess
    expect(lines).toContain('attempts  0 of 3');
    expect(lines.some((line) => line.startsWith('error') || line.startsWith('partner') || line.startsWith('result'))).toBe(false);
    expect(lines.at(-1)).toBe('(none)');
  });

  it('cuts a long result to one short line', () => {
    // Act
    const text = jobDetail({ job_id: 'j1', result: { text: 'x'.repeat(500) } });

    // Assess
    const result = text.split('\n').find((line) => line.startsWith('result'));
    expect(result?.length).toBeLessThan(220);
    expect(result?.endsWith('…')).toBe(true);
  });
});

describe('statusTable', () => {
  it('shows (none) and no total row when there are no queues', () => {
    // Act
    const lines = statusTable({ computed_at: '2026-01-01T00:00:00.000Z', age_seconds: 1, queues: {} }).split('\n');

    // Assess
    expect(lines[2]).toBe('(none)');
    expect(lines.at(-1)).toContain('(1 second old');
  });
});
