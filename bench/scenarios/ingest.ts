import { setTimeout as sleep } from 'node:timers/promises';
import { jobData, postBatches, postSingles, type JobBody } from '../jobs';
import type { MeterReading, ModeUsage } from '../meter';
import type { IngestResult } from '../results';
import { percentile } from '../stats';
import { drainTimeoutMs, stepName, type ScenarioContext } from './context';

/** The queue the ingest runs post to: no rate limit, no lanes, no dedup, so the figures are the pipeline's own. */
export const INGEST_QUEUE = 'qr-analytics';
/** Requests in flight at once in the throughput runs. */
export const INGEST_CONCURRENCY = 50;
/**
 * Requests in flight at once in the runs the cost line is read from. Lambda
 * bills each invocation's own run time; at 50 requests in flight here, every
 * one waits on the one DynamoDB Local the whole machine shares (a batch POST
 * of 100 took about 2 s, a third of a second with two in flight), which AWS's
 * DynamoDB does not make it do. Two in flight keep the instances busy without
 * making them queue.
 */
export const COST_INGEST_CONCURRENCY = 2;
/** Bytes of each job's data. */
export const PAYLOAD_BYTES = 512;

/** One ingest run, drained. */
export interface IngestRun {
  readonly result: IngestResult;
  /** From the first accepted job until the target had answered every one, s. */
  readonly drainSeconds: number;
  /** What the meter counted around the ingest and the drain, when there is a meter. */
  readonly usage?: ModeUsage;
}

/** How an ingest run is paced, and what its progress line is called. */
export interface IngestPace {
  /** Requests in flight at once ({@link INGEST_CONCURRENCY} unless set). */
  readonly concurrency?: number;
  /** The progress line's name (the scenario's unless set). */
  readonly step?: string;
}

/**
 * Posts `jobs` jobs of 512 B to {@link INGEST_QUEUE}, one per request or a
 * hundred per batch request, 50 requests at a time (or `pace.concurrency`),
 * then waits until the target has answered every one (the drain). With a
 * meter, readings are taken before the first request and after the drain has
 * settled.
 */
export async function ingestAndDrain(
  context: ScenarioContext,
  mode: 'single' | 'batch',
  handlerMeanMs?: (usage: MeterReading) => number | null,
  pace: IngestPace = {},
): Promise<IngestRun> {
  const scenario = mode === 'single' ? 'ingest' : 'batch-ingest';
  const step = pace.step ?? stepName(context, scenario);
  const concurrency = pace.concurrency ?? INGEST_CONCURRENCY;
  const { progress, target, jobs } = context;
  const runId = Math.random().toString(36).slice(2, 8);
  const bodies: JobBody[] = Array.from({ length: jobs }, (_, n) => ({ name: 'bench', data: jobData(PAYLOAD_BYTES, { qrCodeId: `bench-${n}`, event: 'scan', run: runId, n }) }));
  target.reset();
  const before = context.meter?.reading();
  const post = mode === 'single' ? postSingles : postBatches;
  const posted = await post(context.system, INGEST_QUEUE, bodies, {
    concurrency,
    onAnswer: (accepted) => progress.update(step, `${accepted} of ${jobs} accepted`),
  });
  const lastAnswered = await target.waitForAll(posted.jobIds, {
    timeoutMs: drainTimeoutMs(jobs),
    onTick: (answered) => progress.update(step, `draining: ${answered} of ${posted.jobIds.length} delivered`),
  });
  const drainSeconds = (lastAnswered - posted.firstAcceptedAt) / 1000;
  let usage: ModeUsage | undefined;
  let handlerMean: number | null = null;
  if (context.meter !== undefined && before !== undefined) {
    progress.update(step, 'waiting for the consumers to settle');
    const after = await settledReading(context.meter.reading);
    const used = context.meter.usageBetween(before, after);
    usage = { usage: used, cost: context.meter.costOf(used), jobs: posted.jobIds.length };
    handlerMean = handlerMeanMs?.(used) ?? null;
  }
  const seconds = posted.elapsedMs / 1000;
  return {
    result: {
      scenario,
      system: context.system.name,
      queue: INGEST_QUEUE,
      jobs,
      accepted: posted.jobIds.length,
      concurrency,
      requests: posted.requests,
      seconds,
      jobs_per_s: posted.jobIds.length / seconds,
      p50_ms: percentile(posted.latencies, 50),
      p99_ms: percentile(posted.latencies, 99),
      handler_mean_ms: handlerMean,
      // The local cloud reports no per-invocation durations, so there is no p99 to give.
      handler_p99_ms: null,
    },
    drainSeconds,
    ...(usage === undefined ? {} : { usage }),
  };
}

/**
 * The meter once the work has settled: the target has every job, but each
 * consumer still records its completions after the delivery. Settled means
 * no DynamoDB write for a second and a half, or 15 s at most (the schedules
 * write now and then; their share is small).
 */
async function settledReading(reading: () => MeterReading): Promise<MeterReading> {
  const deadline = Date.now() + 15_000;
  let last = reading();
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await sleep(250);
    const next = reading();
    if (next.dynamoWriteUnits !== last.dynamoWriteUnits || next.lambdaInvocations !== last.lambdaInvocations) quietSince = Date.now();
    last = next;
    if (Date.now() - quietSince >= 1500) break;
  }
  return last;
}
