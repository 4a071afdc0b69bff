import { describe, expect, it } from 'vitest';
import { atRestMonthlyCost } from '../../../bench/at-rest-cost';
import { costFigures, meanDurationMs, meanDurationsIn, meterOf, type MeterReading } from '../../../bench/meter';
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
      usage: reading({ dynamoWriteUnits: 10_000, dynamoReadUnits: 1000, sqsRequests: 600, lambdaGbSeconds: 0.4, logBytes: 5_000_000, apiRequests: 20, lambdaInvocations: 300, byFunction: { ingest: { invocations: 20, gbSeconds: 0.3, logBytes: 0 } }, bySqsAction: { SendMessageBatch: 200, 'poller:ReceiveMessage:empty': 400 } }),
      cost: { usd: 0.013, byService: { dynamodb: 0.00625 } },
      jobs: 2000,
    };
    const single = { usage: reading(), cost: { usd: 0.022, byService: {} }, jobs: 2000 };
    const atRest = atRestMonthlyCost({ Resources: { Dashboard: { Type: 'AWS::CloudWatch::Dashboard' } } });

    // Act
    const cost = costFigures(batched, single, atRest, 2);

    // Assess
    expect(Object.keys(cost).slice(0, 8)).toEqual(['scenario', 'wru_per_job', 'rru_per_job', 'sqs_requests_per_job', 'lambda_gb_s_per_job', 'log_bytes_per_job', 'usd_per_million_jobs', 'usd_per_million_jobs_single']);
    expect(cost).toMatchObject({ ingest_concurrency: 2, wru_per_job: 5, rru_per_job: 0.5, sqs_requests_per_job: 0.3, log_bytes_per_job: 2500, api_requests_per_job: 0.01, sqs_requests_per_job_without_idle_polls: 0.1, sqs_by_action_per_job: { SendMessageBatch: 0.1, 'poller:ReceiveMessage:empty': 0.2 } });
    expect(cost.lambda_gb_s_per_job).toBeCloseTo(0.0002);
    expect(cost.usd_per_million_jobs).toBeCloseTo(6.5);
    expect(cost.usd_per_million_jobs_single).toBeCloseTo(11);
    expect(cost.usd_per_million_by_service.dynamodb).toBeCloseTo(3.125);
    expect(cost.lambda_by_function_per_job).toEqual({ ingest: { invocations: 0.01, gb_s: 0.00015 } });
  });

  it('carries the stage\'s monthly cost at rest as it is, not per job', () => {
    // Prepare
    const run = { usage: reading(), cost: { usd: 0.01, byService: {} }, jobs: 2000 };
    const atRest = atRestMonthlyCost({ Resources: { Dashboard: { Type: 'AWS::CloudWatch::Dashboard' }, Cron: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'cron(0 3 * * ? *)' } } } });

    // Act
    const cost = costFigures(run, run, atRest, 2);

    // Assess
    expect(cost.at_rest_usd_per_month).toBeCloseTo(3, 9);
    expect(cost.at_rest_by_item.dashboards).toEqual({ count: 1, usd_per_month: 3 });
    expect(cost.at_rest_skipped.map((skipped) => skipped.logical_id)).toEqual(['Cron']);
  });
});

describe('meterOf', () => {
  it('prices the cloud\'s template at rest with the scheduled runs its meter measured', () => {
    // Prepare: a sweeper every minute (43,800 runs a month) measured at 50 ms, at 256 MB.
    const template = {
      Resources: {
        Sweeper: { Type: 'AWS::Lambda::Function', Properties: { MemorySize: 256, Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'sweeper' } } } },
        SweeperRule: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 minute)', Targets: [{ Arn: { 'Fn::GetAtt': ['Sweeper', 'Arn'] }, Id: 'Target0' }] } },
      },
    };
    const measured = reading({ byFunction: { sweeper: { invocations: 10, gbSeconds: 0.125, logBytes: 0 } } });
    const tools = meterOf({ meter: { reading: () => measured }, template });

    // Act
    const atRest = tools?.atRest(measured);

    // Assess
    expect(atRest?.by_item.schedules.estimated).toBe(false);
    expect(atRest?.usd_per_month).toBeCloseTo(43_800 * 0.2e-6 + 43_800 * 0.05 * 0.25 * 0.0000133334, 12);
  });
});

describe('meanDurationsIn', () => {
  it('finds a function\'s runs under the label the local cloud meters it by: its service name, else its logical id', () => {
    // Prepare: 10 runs of 50 ms at 256 MB for each, counted by label.
    const template = {
      Resources: {
        SweeperFunction: { Type: 'AWS::Lambda::Function', Properties: { MemorySize: 256, Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'sweeper' } } } },
        Plain: { Type: 'AWS::Lambda::Function', Properties: {} },
      },
    };
    const usage = reading({ byFunction: { sweeper: { invocations: 10, gbSeconds: 0.125, logBytes: 0 }, Plain: { invocations: 10, gbSeconds: 0.0625, logBytes: 0 } } });

    // Act
    const meanOf = meanDurationsIn(template, usage);

    // Assess: Plain sets no memory, so Lambda's 128 MB.
    expect(meanOf('SweeperFunction')).toBeCloseTo(50);
    expect(meanOf('Plain')).toBeCloseTo(50);
    expect(meanOf('Missing')).toBeUndefined();
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
