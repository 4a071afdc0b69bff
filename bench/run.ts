/**
 * `npm run bench`: runs the pipeline as `npm start` does and measures it from
 * outside (see "Performance" in the README). `--against bullmq` runs the same
 * load against BullMQ on a local redis-server. Progress goes to stderr; the
 * table, or with `--json` one JSON object per scenario, to stdout.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalCloudError } from '../local/errors';
import { BASELINE_SCENARIOS, parseBenchArgs, USAGE, type BenchOptions } from './args';
import { ensureBenchDependencies } from './deps';
import { BENCH_ERROR, BenchError } from './errors';
import { meanDurationMs, meterOf } from './meter';
import { startPipeline, type PipelineRun } from './pipeline';
import { Progress } from './progress';
import { queueSettings } from './queues';
import { isFailed, jsonLine, type BenchResult } from './results';
import { saveResults } from './results-file';
import { bundles } from './scenarios/bundles';
import { floor } from './scenarios/floor';
import { INGEST_QUEUE } from './scenarios/ingest';
import { LANED_QUEUE } from './scenarios/priority';
import { RATE_LIMITED_QUEUE } from './scenarios/rate-limited';
import { attempt, runLoadScenarios } from './suite';
import { summaryTable } from './table';
import { BenchTarget } from './target';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const PROJECT_ROOT = resolve(BENCH_DIR, '..');

const progress = new Progress(process.stderr);
const say = (line: string): void => progress.done(line);
/** What to stop on the way out, last started first. */
const stoppers: (() => Promise<void>)[] = [];

async function stopAll(): Promise<void> {
  for (const stop of stoppers.splice(0).reverse()) await stop().catch(() => undefined);
}

async function main(): Promise<number> {
  const options = parseBenchArgs(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  // The warning is about this machine's Node (older than Lambda's), not the app.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const startedAt = new Date();
  const haveDependencies = ensureBenchDependencies(BENCH_DIR, say);
  if (options.against === 'bullmq' && !haveDependencies) {
    throw new BenchError(BENCH_ERROR.prerequisite, 'the BullMQ baseline needs the bench\'s own dependencies, and installing them failed. Fix: npm install --prefix bench');
  }
  const baseline = options.against === 'bullmq' ? await import('./baseline/redis-server') : undefined;
  // Checked before the long pipeline run, so a missing redis-server fails at once.
  const redisBinary = baseline?.ensureRedisServer(say);

  const results: BenchResult[] = [];
  const emit = (result: BenchResult): void => {
    results.push(result);
    if (options.json) process.stdout.write(`${jsonLine(result)}\n`);
    say(`${result.scenario}${result.system === 'pipeline' || result.system === 'dynamodb-local' ? '' : ` (${result.system})`}: ${isFailed(result) ? `FAILED: ${result.error}` : 'done'}`);
  };

  const target = await BenchTarget.start();
  stoppers.push(() => target.stop());
  progress.update('starting', 'synthesizing the app');
  const pipeline: PipelineRun = await startPipeline({ projectRoot: PROJECT_ROOT, targetUrl: target.url, onProgress: (step) => progress.update('starting', step) });
  stoppers.push(() => pipeline.stop());
  say(`pipeline running in the local cloud at ${pipeline.cloud.apiUrl}`);

  if (options.only.includes('floor')) {
    const result = await attempt('floor', 'dynamodb-local', emit, () => floor(pipeline.dynamoDbEndpoint, progress));
    if (result !== undefined) emit(result);
  }
  const meter = meterOf(pipeline.cloud);
  const ingestMemory = pipeline.memoryOf('ingest') ?? 256;
  await runLoadScenarios(
    {
      system: { name: 'pipeline', apiUrl: pipeline.cloud.apiUrl, headers: { 'x-api-key': pipeline.apiKey } },
      target,
      progress,
      jobs: options.jobs,
      ...(meter === undefined ? {} : { meter }),
    },
    options,
    emit,
    { handlerMeanMs: (usage) => meanDurationMs(usage, 'ingest', ingestMemory) },
  );
  if (options.only.includes('bundles')) {
    const result = await attempt('bundles', 'pipeline', emit, () => bundles({ projectRoot: PROJECT_ROOT, cloud: pipeline.cloud, progress }));
    if (result !== undefined) emit(result);
  }
  progress.update('stopping', 'the local cloud');
  await stoppers.pop()?.();

  if (baseline !== undefined && redisBinary !== undefined && options.only.some((name) => BASELINE_SCENARIOS.includes(name))) {
    await runBaseline(baseline, redisBinary, target, options, emit);
  }
  progress.clear();
  if (!options.json) process.stdout.write(`\n${summaryTable(results)}\n`);
  const file = saveResults(join(BENCH_DIR, 'results'), { startedAt, options, results });
  const failed = results.filter(isFailed);
  process.stderr.write(`\nresults saved to ${file.slice(PROJECT_ROOT.length + 1)}\n`);
  if (failed.length > 0) {
    process.stderr.write(`${failed.length} scenario${failed.length > 1 ? 's' : ''} failed: ${failed.map((result) => `${result.scenario} (${result.system})`).join(', ')}\n`);
    if (failed.some((result) => result.system === 'pipeline')) process.stderr.write(`the local cloud's last log lines:\n${pipeline.recentLog()}\n`);
    return 1;
  }
  return 0;
}

/** The same load scenarios against BullMQ on a redis-server of the bench's own. */
async function runBaseline(
  baseline: typeof import('./baseline/redis-server'),
  redisBinary: string,
  target: BenchTarget,
  options: BenchOptions,
  emit: (result: BenchResult) => void,
): Promise<void> {
  progress.update('baseline', 'starting redis-server');
  const redis = await baseline.startRedisServer(redisBinary);
  stoppers.push(() => redis.stop());
  const { startBullmqRelay } = await import('./baseline/bullmq-relay');
  const relay = await startBullmqRelay({
    redisPort: redis.port,
    targetUrl: target.url,
    queues: [INGEST_QUEUE, LANED_QUEUE, RATE_LIMITED_QUEUE].map(queueSettings),
  });
  stoppers.push(() => relay.stop());
  say(`BullMQ relay running on redis-server port ${redis.port}`);
  await runLoadScenarios({ system: { name: 'bullmq', apiUrl: relay.apiUrl, headers: {} }, target, progress, jobs: options.jobs }, options, emit);
  await stoppers.pop()?.();
  await stoppers.pop()?.();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress.clear();
    process.stderr.write(`\nstopping (${signal})…\n`);
    void stopAll().finally(() => process.exit(130));
  });
}

main()
  .then(async (code) => {
    await stopAll();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    progress.clear();
    const known = error instanceof BenchError || error instanceof LocalCloudError;
    const message = known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`\nnpm run bench failed: ${message}\n`);
    await stopAll();
    process.exit(1);
  });
