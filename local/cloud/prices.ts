/**
 * The prices the cost line uses, in one place: us-east-1 public list prices,
 * first tier, no free tier (a benchmark's share of a large bill). Each is
 * from the AWS pricing page named beside it.
 */
import { isFifoSqsKey, type MeterReading } from './meter';

/** US dollars per unit of usage. */
export const PRICES = {
  /** "Amazon API Gateway Pricing": REST APIs, $3.50 per million requests (first 333 million a month). */
  apiGatewayRestPerRequest: 3.5 / 1e6,
  /** "AWS Lambda Pricing": $0.20 per million requests, either architecture. */
  lambdaPerRequest: 0.2 / 1e6,
  /** "AWS Lambda Pricing": Arm, $0.0000133334 per GB-second (first 7.5 billion GB-s a month); the functions run on arm64. */
  lambdaArmPerGbSecond: 0.0000133334,
  /** "Amazon SQS Pricing": standard queues, $0.40 per million requests (each 64 KB chunk of a payload is a request). */
  sqsStandardPerRequest: 0.4 / 1e6,
  /** "Amazon SQS Pricing": FIFO queues, $0.50 per million requests. */
  sqsFifoPerRequest: 0.5 / 1e6,
  /** "Amazon DynamoDB Pricing for On-Demand Capacity" (since November 2024): $0.625 per million write request units. */
  dynamoDbPerWriteUnit: 0.625 / 1e6,
  /** "Amazon DynamoDB Pricing for On-Demand Capacity" (since November 2024): $0.125 per million read request units. */
  dynamoDbPerReadUnit: 0.125 / 1e6,
  /** "Amazon CloudWatch Pricing": Logs ingestion, $0.50 per GB (Lambda logs: first 10 TB of the vended-logs tiers). */
  cloudWatchLogsPerGb: 0.5,
  /** "AWS Secrets Manager Pricing": $0.05 per 10,000 API calls. */
  secretsManagerPerCall: 0.05 / 10_000,
  /** "AWS Secrets Manager Pricing": $0.40 per secret per month. */
  secretsManagerPerSecretMonth: 0.4,
  /** "Amazon CloudWatch Pricing": standard-resolution alarm, $0.10 per alarm metric per month (a metric-math alarm is billed per metric in it). */
  cloudWatchAlarmPerMetricMonth: 0.1,
  /** "Amazon CloudWatch Pricing": $3.00 per dashboard per month. */
  cloudWatchDashboardPerMonth: 3.0,
  /** "AWS Lambda Pricing": Provisioned Concurrency, Arm, $0.0000033334 per GB-second configured, whether or not it runs. */
  lambdaArmProvisionedPerGbSecond: 0.0000033334,
} as const;

/** The hours of a month in AWS's monthly estimates (365 × 24 / 12): what a month of a per-second or per-hour charge adds up over. */
export const HOURS_PER_MONTH = 730;

/**
 * Bytes Lambda itself writes to a function's log per invocation, billed as
 * ingestion like the function's own lines: the `START`, `END` and `REPORT`
 * lines of the text log format, each with a request id (about 70 + 50 + 140
 * bytes). The meter counts only what the functions write.
 */
export const LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION = 260;

/** CloudWatch bills ingestion per GB of 2^30 bytes. */
const BYTES_PER_GB = 1024 ** 3;

/** What some usage costs, in US dollars, in all and by service. */
export interface Cost {
  readonly usd: number;
  /** `apiGateway`, `lambda`, `sqs`, `dynamoDb`, `cloudWatchLogs`. */
  readonly byService: Record<string, number>;
}

/**
 * Prices usage at {@link PRICES}: API requests; Lambda requests and GB-seconds
 * at the Arm price; SQS requests at the standard price, or the FIFO price for
 * calls on FIFO queues; DynamoDB write and read units; and CloudWatch Logs
 * ingestion of the functions' log bytes plus Lambda's own lines per invocation
 * ({@link LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION}). Secrets Manager is not
 * in a reading: the functions read their one secret once per instance and
 * then every 5 minutes, a few calls an hour whatever the job count, so its
 * price is listed for estimates but adds nothing per job here.
 *
 * @example
 * const { usd } = costOf(usageBetween(before, after));
 * const perMillionJobs = (usd / jobs) * 1e6;
 */
export function costOf(usage: MeterReading): Cost {
  const fifoRequests = Object.entries(usage.bySqsAction).reduce((sum, [key, count]) => (isFifoSqsKey(key) ? sum + count : sum), 0);
  const loggedBytes = usage.logBytes + usage.lambdaInvocations * LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION;
  const byService: Record<string, number> = {
    apiGateway: usage.apiRequests * PRICES.apiGatewayRestPerRequest,
    lambda: usage.lambdaInvocations * PRICES.lambdaPerRequest + usage.lambdaGbSeconds * PRICES.lambdaArmPerGbSecond,
    sqs: (usage.sqsRequests - fifoRequests) * PRICES.sqsStandardPerRequest + fifoRequests * PRICES.sqsFifoPerRequest,
    dynamoDb: usage.dynamoWriteUnits * PRICES.dynamoDbPerWriteUnit + usage.dynamoReadUnits * PRICES.dynamoDbPerReadUnit,
    cloudWatchLogs: (loggedBytes / BYTES_PER_GB) * PRICES.cloudWatchLogsPerGb,
  };
  return { usd: Object.values(byService).reduce((sum, value) => sum + value, 0), byService };
}
