/**
 * The local cloud's meter: it sees every call the pipeline makes and counts
 * what AWS would bill for it. The counters only rise; a scenario's share is
 * the difference of two readings ({@link usageBetween}). Turning usage into
 * dollars is `costOf` in `prices.ts`.
 */

/** Billable usage the local cloud has seen since it started (monotonic counters). */
export interface MeterReading {
  /**
   * REST API requests API Gateway bills: those that passed IAM, the API key
   * and the usage plan's throttle and quota, whatever the integration then
   * answered (a body refused by the request model is billed too). Requests for
   * no resource, refused for authentication or the key, or throttled are not.
   */
  readonly apiRequests: number;
  /** Every function invocation that ran (API, event source mappings, schedules); throttled ones are not. */
  readonly lambdaInvocations: number;
  /**
   * Σ billed duration (ms, rounded up to 1 ms, the INIT phase of a cold start
   * included) × memory (GB) / 1000.
   */
  readonly lambdaGbSeconds: number;
  /**
   * SQS API requests, each counted per started 64 KiB of its payload; idle
   * polls included, as Lambda's pollers would make them (see
   * {@link idlePollBilledRequests}: fractions of a request).
   */
  readonly sqsRequests: number;
  /** Write request units, as DynamoDB on-demand bills them (larger of item before and after, index writes, failed conditions). */
  readonly dynamoWriteUnits: number;
  /** Read request units, as DynamoDB on-demand bills them (4 KB strongly consistent, half for eventual; Query and Scan on what they read). */
  readonly dynamoReadUnits: number;
  /**
   * Bytes the functions wrote to their logs (stdout/stderr lines, without the
   * line breaks): CloudWatch Logs bills ingestion on the event data. The 26
   * bytes per event of `PutLogEvents` are a batch-size rule, not billed bytes,
   * and Lambda's own `START`/`END`/`REPORT` lines are added by `costOf`.
   */
  readonly logBytes: number;
  /** By function label (e.g. `ingest`). */
  readonly byFunction: Readonly<Record<string, { invocations: number; gbSeconds: number; logBytes: number }>>;
  /** Billed requests by {@link sqsActionKey}: `SendMessageBatch`, `poller:ReceiveMessage`, `poller:ReceiveMessage:empty.fifo`… */
  readonly bySqsAction: Readonly<Record<string, number>>;
  /** By DynamoDB action (`PutItem`, `Query`…). */
  readonly byDynamoAction: Readonly<Record<string, { writeUnits: number; readUnits: number; calls: number }>>;
}

/** Where readings come from: `LocalCloud.meter`. */
export interface Meter {
  reading(): MeterReading;
}

/** What the local cloud's parts report to the meter as calls happen. */
export interface UsageRecorder {
  /** One billed API Gateway request. */
  apiRequest(): void;
  /** One invocation of `functionLabel` that ran for `durationMs` (INIT included on a cold start). */
  lambdaInvocation(functionLabel: string, durationMs: number, memoryMb: number): void;
  /** `bytes` written to the function's log. */
  logBytes(functionLabel: string, bytes: number): void;
  /** One SQS call: `key` from {@link sqsActionKey}, and the bytes of message payload it carried. */
  sqsCall(key: string, payloadBytes: number): void;
  /** A poller's receive that found nothing after waiting `waitedMs`: billed as {@link idlePollBilledRequests}. */
  sqsIdlePoll(key: string, waitedMs: number): void;
  /** One DynamoDB call and the units it consumed. */
  dynamoCall(action: string, units: { readonly writeUnits: number; readonly readUnits: number }): void;
}

/** SQS bills each started 64 KiB of a request's payload as one request. */
export const SQS_CHUNK_BYTES = 64 * 1024;

/** What the event source mappings' pollers prefix their actions with in `bySqsAction`. */
export const POLLER_PREFIX = 'poller:';

/** Marks a poller's receive that found nothing: its count depends on idle time, not on jobs. */
const EMPTY_SUFFIX = ':empty';
const FIFO_SUFFIX = '.fifo';

/**
 * Billed SQS requests for one call: one per started 64 KiB of payload, and at
 * least one (an empty receive is a request too).
 *
 * @example
 * sqsBilledRequests(0); // 1
 * sqsBilledRequests(256 * 1024); // 4
 */
export function sqsBilledRequests(payloadBytes: number): number {
  return Math.max(1, Math.ceil(payloadBytes / SQS_CHUNK_BYTES));
}

/** How long each of Lambda's SQS pollers long-polls an empty queue: SQS's longest wait. */
export const LAMBDA_LONG_POLL_SECONDS = 20;

/**
 * How many pollers Lambda keeps on a quiet standard queue whose mapping sets
 * `MaximumConcurrency`, as every mapping here does: five. (Without it Lambda
 * may go down to two; AWS's SQS scaling page says the setting turns that
 * saving off.)
 */
export const LAMBDA_IDLE_POLLERS = 5;

/**
 * The SQS requests AWS would bill for `waitedMs` of a local poller's empty
 * receive. The local pollers wait 1 s per receive (so that a pause takes
 * effect within a second) where each of Lambda's five pollers waits 20 s, so
 * a second of local idling stands for a second of Lambda's five long polls:
 * 5 × 1/20 of a request, not one.
 *
 * @example
 * idlePollBilledRequests(1_000); // 0.25
 */
export function idlePollBilledRequests(waitedMs: number): number {
  return (Math.max(0, waitedMs) / 1000 / LAMBDA_LONG_POLL_SECONDS) * LAMBDA_IDLE_POLLERS;
}

/**
 * Lambda's billed duration: rounded up to the next millisecond, at least 1 ms.
 *
 * @example
 * lambdaBilledMs(12.01); // 13
 */
export function lambdaBilledMs(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs));
}

/**
 * The bytes of some function output as CloudWatch Logs ingests it: each line
 * an event, its line break not part of the message. Meant for the raw output,
 * before the local cloud prefixes or reformats it.
 *
 * @example
 * logEventBytes('{"level":"INFO"}\n'); // 16
 */
export function logEventBytes(chunk: string | Buffer): number {
  const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  let breaks = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) breaks += 1;
  return Buffer.byteLength(text, 'utf8') - breaks;
}

/**
 * The key of an SQS call in `bySqsAction`: the action, `poller:` in front when
 * an event source mapping made it, `:empty` after a poller's receive that got
 * nothing, `.fifo` at the end on a FIFO queue (billed at the FIFO price).
 *
 * @example
 * sqsActionKey('ReceiveMessage', { poller: true, empty: true }); // 'poller:ReceiveMessage:empty'
 */
export function sqsActionKey(action: string, options: { readonly poller?: boolean; readonly empty?: boolean; readonly fifo?: boolean } = {}): string {
  return `${options.poller === true ? POLLER_PREFIX : ''}${action}${options.empty === true ? EMPTY_SUFFIX : ''}${options.fifo === true ? FIFO_SUFFIX : ''}`;
}

/** Whether a `bySqsAction` key is a call on a FIFO queue. */
export function isFifoSqsKey(key: string): boolean {
  return key.endsWith(FIFO_SUFFIX);
}

/** Whether a `bySqsAction` key is a poller's receive that found nothing. */
export function isIdlePollKey(key: string): boolean {
  return key.startsWith(POLLER_PREFIX) && key.replace(/\.fifo$/, '').endsWith(EMPTY_SUFFIX);
}

/**
 * The SQS requests of a reading spent on receives that found nothing: what
 * idle queues cost, which grows with wall time, not with jobs (billed as
 * Lambda's pollers would make them, see {@link idlePollBilledRequests});
 * subtract it for a per-job figure.
 */
export function idlePollRequests(usage: MeterReading): number {
  return Object.entries(usage.bySqsAction).reduce((sum, [key, count]) => (isIdlePollKey(key) ? sum + count : sum), 0);
}

/**
 * The difference of two readings (b − a), for a scenario's share. Breakdown
 * entries that did not change are left out.
 *
 * @example
 * const before = cloud.meter.reading();
 * await runScenario();
 * const usage = usageBetween(before, cloud.meter.reading());
 */
export function usageBetween(a: MeterReading, b: MeterReading): MeterReading {
  return {
    apiRequests: b.apiRequests - a.apiRequests,
    lambdaInvocations: b.lambdaInvocations - a.lambdaInvocations,
    lambdaGbSeconds: b.lambdaGbSeconds - a.lambdaGbSeconds,
    sqsRequests: b.sqsRequests - a.sqsRequests,
    dynamoWriteUnits: b.dynamoWriteUnits - a.dynamoWriteUnits,
    dynamoReadUnits: b.dynamoReadUnits - a.dynamoReadUnits,
    logBytes: b.logBytes - a.logBytes,
    byFunction: differences(a.byFunction, b.byFunction, { invocations: 0, gbSeconds: 0, logBytes: 0 }),
    bySqsAction: Object.fromEntries(
      Object.entries(b.bySqsAction)
        .map(([key, count]): [string, number] => [key, count - (a.bySqsAction[key] ?? 0)])
        .filter(([, count]) => count !== 0),
    ),
    byDynamoAction: differences(a.byDynamoAction, b.byDynamoAction, { writeUnits: 0, readUnits: 0, calls: 0 }),
  };
}

function differences<T extends Record<string, number>>(a: Readonly<Record<string, T>>, b: Readonly<Record<string, T>>, zero: T): Record<string, T> {
  const result: Record<string, T> = {};
  for (const [key, later] of Object.entries(b)) {
    const earlier = a[key] ?? zero;
    const entry = Object.fromEntries(Object.keys(zero).map((field) => [field, (later[field] ?? 0) - (earlier[field] ?? 0)])) as T;
    if (Object.values(entry).some((value) => value !== 0)) result[key] = entry;
  }
  return result;
}

interface FunctionUsage {
  invocations: number;
  /** Σ billed ms × memory MB: whole numbers, so the sum stays exact. */
  msMb: number;
  logBytes: number;
}

/** MB per GB, as Lambda counts memory (128 MB = 0.125 GB). */
const MB_PER_GB = 1024;

/**
 * The counters behind `LocalCloud.meter`: each part of the local cloud reports
 * its calls here, and each reading is a fresh copy. Counting is all it does
 * per call; the sizing happens where the calls are seen.
 *
 * @example
 * const meter = new UsageMeter();
 * meter.sqsCall(sqsActionKey('SendMessageBatch'), 5_000);
 * meter.reading().sqsRequests; // 1
 */
export class UsageMeter implements Meter, UsageRecorder {
  private apiRequests = 0;
  private readonly functions = new Map<string, FunctionUsage>();
  private readonly sqs = new Map<string, number>();
  private readonly dynamo = new Map<string, { writeUnits: number; readUnits: number; calls: number }>();

  apiRequest(): void {
    this.apiRequests += 1;
  }

  lambdaInvocation(functionLabel: string, durationMs: number, memoryMb: number): void {
    const usage = this.functionUsage(functionLabel);
    usage.invocations += 1;
    usage.msMb += lambdaBilledMs(durationMs) * memoryMb;
  }

  logBytes(functionLabel: string, bytes: number): void {
    this.functionUsage(functionLabel).logBytes += bytes;
  }

  sqsCall(key: string, payloadBytes: number): void {
    this.sqs.set(key, (this.sqs.get(key) ?? 0) + sqsBilledRequests(payloadBytes));
  }

  sqsIdlePoll(key: string, waitedMs: number): void {
    this.sqs.set(key, (this.sqs.get(key) ?? 0) + idlePollBilledRequests(waitedMs));
  }

  dynamoCall(action: string, units: { readonly writeUnits: number; readonly readUnits: number }): void {
    let entry = this.dynamo.get(action);
    if (entry === undefined) {
      entry = { writeUnits: 0, readUnits: 0, calls: 0 };
      this.dynamo.set(action, entry);
    }
    entry.writeUnits += units.writeUnits;
    entry.readUnits += units.readUnits;
    entry.calls += 1;
  }

  reading(): MeterReading {
    const byFunction: Record<string, { invocations: number; gbSeconds: number; logBytes: number }> = {};
    let invocations = 0;
    let msMb = 0;
    let logBytes = 0;
    for (const [label, usage] of this.functions) {
      byFunction[label] = { invocations: usage.invocations, gbSeconds: usage.msMb / MB_PER_GB / 1000, logBytes: usage.logBytes };
      invocations += usage.invocations;
      msMb += usage.msMb;
      logBytes += usage.logBytes;
    }
    const byDynamoAction = Object.fromEntries([...this.dynamo].map(([action, entry]) => [action, { ...entry }]));
    const dynamo = [...this.dynamo.values()];
    return {
      apiRequests: this.apiRequests,
      lambdaInvocations: invocations,
      lambdaGbSeconds: msMb / MB_PER_GB / 1000,
      sqsRequests: [...this.sqs.values()].reduce((sum, count) => sum + count, 0),
      dynamoWriteUnits: dynamo.reduce((sum, entry) => sum + entry.writeUnits, 0),
      dynamoReadUnits: dynamo.reduce((sum, entry) => sum + entry.readUnits, 0),
      logBytes,
      byFunction,
      bySqsAction: Object.fromEntries(this.sqs),
      byDynamoAction,
    };
  }

  private functionUsage(label: string): FunctionUsage {
    let usage = this.functions.get(label);
    if (usage === undefined) {
      usage = { invocations: 0, msMb: 0, logBytes: 0 };
      this.functions.set(label, usage);
    }
    return usage;
  }
}
