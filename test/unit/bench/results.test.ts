import { describe, expect, it } from 'vitest';
import { costFigures, meanDurationMs, type MeterReading } from '../../../bench/meter';
import { jsonLine, roundFigure } from '../../../bench/results';
import { resultsFileName } from '../../../bench/results-file';

const reading = (overrides: Partial<MeterReading> = {}): MeterReading => ({
  apiRequests: 0,
  lambdaInvocations: 0,
  lambdaGbSeconds: 0,
  sqsRequests: 0,
  dynamoWriteUnits: 0,
  dynamoReadUnits: 0,
  logBytes: 0,
  byFunction: {},
  bySqsAction: {},
  byDynamoAction: {},
  ...overrides,
});

describe('jsonLine', () => {
  it('is one line of JSON, scenario first, figures rounded to four significant digits and NaN as null', () => {
    // Act
    const line = jsonLine({ scenario: 'drain', system: 'pipeline', jobs: 2000, seconds: 37.0412, jobs_per_s: Number.NaN, batch_seconds: null });

    // Assess
    expect(line).toBe('{"scenario":"drain","system":"pipeline","jobs":2000,"seconds":37.04,"jobs_per_s":null,"batch_seconds":null}');
    expect(line).not.toContain('\n');
  });

  it('rounds figures to what they can say and keeps whole numbers whole', () => {
    expect(roundFigure(0.000123456)).toBe(0.0001235);
    expect(roundFigure(1410.77)).toBe(1411);
    expect(roundFigure(123456)).toBe(123456);
    expect(roundFigure(Number.POSITIVE_INFINITY)).toBeNull();
  });
});

describe('costFigures', () => {
  it('divides the batched run by its jobs and prices both modes per million jobs, with the issue\'s fields first', () => {
    // Prepare
    const batched = {
      usage: reading({ dynamoWriteUnits: 10_000, dynamoReadUnits: 1000, sqsRequests: 600, lambdaGbSeconds: 0.4, logBytes: 5_000_000, apiRequests: 20, lambdaInvocations: 300, bySqsAction: { SendMessageBatch: 200, 'poller:ReceiveMessage:empty': 400 } }),
      cost: { usd: 0.013, byService: { dynamodb: 0.00625 } },
      jobs: 2000,
    };
    const single = { usage: reading(), cost: { usd: 0.022, byService: {} }, jobs: 2000 };

    // Act
    const cost = costFigures(batched, single);

    // Assess
    expect(Object.keys(cost).slice(0, 8)).toEqual(['scenario', 'wru_per_job', 'rru_per_job', 'sqs_requests_per_job', 'lambda_gb_s_per_job', 'log_bytes_per_job', 'usd_per_million_jobs', 'usd_per_million_jobs_single']);
    expect(cost).toMatchObject({ wru_per_job: 5, rru_per_job: 0.5, sqs_requests_per_job: 0.3, log_bytes_per_job: 2500, api_requests_per_job: 0.01, sqs_requests_per_job_without_idle_polls: 0.1, sqs_by_action_per_job: { SendMessageBatch: 0.1, 'poller:ReceiveMessage:empty': 0.2 } });
    expect(cost.lambda_gb_s_per_job).toBeCloseTo(0.0002);
    expect(cost.usd_per_million_jobs).toBeCloseTo(6.5);
    expect(cost.usd_per_million_jobs_single).toBeCloseTo(11);
    expect(cost.usd_per_million_by_service.dynamodb).toBeCloseTo(3.125);
  });
});

describe('meanDurationMs', () => {
  it('turns a function\'s GB-seconds back into its mean billed milliseconds', () => {
    // Prepare: 100 invocations of 40 ms at 256 MB = 100 × 0.04 s × 0.25 GB.
    const usage = reading({ byFunction: { ingest: { invocations: 100, gbSeconds: 1, logBytes: 0 } } });

    // Act and assess
    expect(meanDurationMs(usage, 'ingest', 256)).toBeCloseTo(40);
    expect(meanDurationMs(usage, 'admin', 256)).toBeNull();
  });
});

describe('resultsFileName', () => {
  it('names the file by the run\'s start, without colons', () => {
    expect(resultsFileName(new Date('2026-03-01T09:05:07.123Z'))).toBe('2026-03-01T09-05-07Z.json');
  });
});
