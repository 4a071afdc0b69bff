import type { BenchOptions, ScenarioName } from './args';
import { costFigures, type MeterReading } from './meter';
import type { BenchResult, SystemName } from './results';
import type { ScenarioContext } from './scenarios/context';
import { concurrency } from './scenarios/concurrency';
import { COST_INGEST_CONCURRENCY, ingestAndDrain, type IngestRun } from './scenarios/ingest';
import { priority } from './scenarios/priority';
import { rateLimited } from './scenarios/rate-limited';

/** Where a finished scenario's result goes (printed, kept, saved). */
export type Emit = (result: BenchResult) => void;

/** The message of the cost line when the local cloud counts nothing. */
export const NO_METER = 'meter not available: this local cloud does not count usage (it has no meter), so there is no cost line';

/**
 * Runs the load scenarios on one system, in run order, each as asked by
 * `options.only`: the single and batch ingest runs (each drained; the single
 * one is run for the drain line too when that is asked alone), the drain,
 * priority, concurrency and rate-limited scenarios and, on the pipeline, the
 * cost line (per job, and the stage's monthly cost at rest). The cost line is
 * read from two more ingest runs of its own, one per mode, with
 * {@link COST_INGEST_CONCURRENCY} requests in flight: the throughput runs keep
 * the machine saturated, and Lambda time spent queueing there for the one
 * shared DynamoDB Local is not what AWS would bill. A scenario that fails is
 * emitted as a failure; the rest still run.
 */
export async function runLoadScenarios(context: ScenarioContext, options: BenchOptions, emit: Emit, extra: { readonly handlerMeanMs?: (usage: MeterReading) => number | null } = {}): Promise<void> {
  const wants = (name: ScenarioName): boolean => options.only.includes(name);
  const system = context.system.name;
  const isPipeline = system === 'pipeline';
  const needCost = isPipeline && wants('cost');
  let single: IngestRun | undefined;
  let batch: IngestRun | undefined;
  if (wants('ingest') || wants('drain')) {
    single = await attempt('ingest', system, emit, () => ingestAndDrain(context, 'single', extra.handlerMeanMs));
    if (single !== undefined && wants('ingest')) emit(single.result);
  }
  if (wants('batch-ingest')) {
    batch = await attempt('batch-ingest', system, emit, () => ingestAndDrain(context, 'batch', extra.handlerMeanMs));
    if (batch !== undefined && wants('batch-ingest')) emit(batch.result);
  }
  if (wants('drain') && single !== undefined) {
    emit({
      scenario: 'drain',
      system,
      jobs: single.result.accepted,
      seconds: single.drainSeconds,
      jobs_per_s: single.result.accepted / single.drainSeconds,
      batch_seconds: batch?.drainSeconds ?? null,
    });
  }
  const deliveries: [ScenarioName, (context: ScenarioContext) => Promise<BenchResult>][] = [
    ['priority', priority],
    ['concurrency', concurrency],
    ['rate-limited', rateLimited],
  ];
  for (const [name, run] of deliveries) {
    if (!wants(name)) continue;
    const result = await attempt(name, system, emit, () => run(context));
    if (result !== undefined) emit(result);
  }
  if (!needCost) return;
  if (context.meter === undefined) {
    emit({ scenario: 'cost', system, error: NO_METER });
    return;
  }
  const paced = async (mode: 'single' | 'batch'): Promise<IngestRun> =>
    ingestAndDrain(context, mode, undefined, { concurrency: COST_INGEST_CONCURRENCY, step: `cost: ${mode === 'single' ? 'one per POST' : 'batched'}` });
  const costSingle = await attempt('cost', system, emit, () => paced('single'));
  const costBatch = costSingle === undefined ? undefined : await attempt('cost', system, emit, () => paced('batch'));
  if (costSingle === undefined || costBatch === undefined) return;
  if (costSingle.usage === undefined || costBatch.usage === undefined) {
    emit({ scenario: 'cost', system, error: 'the ingest runs the cost line is read from took no meter reading' });
  } else {
    // The scheduled functions' run times from all the cloud has run so far: the longer the span, the likelier each schedule fired in it.
    emit(costFigures(costBatch.usage, costSingle.usage, context.meter.atRest(context.meter.reading()), COST_INGEST_CONCURRENCY));
  }
}

/** Runs one scenario; a failure is emitted as the scenario's result and undefined returned. */
export async function attempt<T>(scenario: ScenarioName, system: SystemName, emit: Emit, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    emit({ scenario, system, error: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}
