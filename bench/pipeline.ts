import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulators, type Emulators } from '../local/emulators';
import { startLocalCloud, type LocalCloud } from '../local/cloud/local-cloud';
import { synthesize } from '../local/cloud/synth';
import { readStackTemplate, type CfnTemplate } from '../local/cloud/template';
import { LANED_QUEUE } from './scenarios/priority';
import { urgentReadyInstances } from './queues';

/** The partner the bench posts as. */
export const BENCH_PARTNER = 'bench';

/** The local cloud of a bench run, with the template it runs: the cost line prices that template at rest (`meterOf`). */
export type PipelineCloud = LocalCloud & { readonly template: CfnTemplate };

/** The pipeline running in the local cloud for a bench run. */
export interface PipelineRun {
  readonly cloud: PipelineCloud;
  /** The cloud assembly it runs (a temporary directory). */
  readonly cdkOut: string;
  /** The bench partner's API key. */
  readonly apiKey: string;
  /** DynamoDB Local itself, not whatever the functions reach it through: the floor writes here. */
  readonly dynamoDbEndpoint: string;
  /** Memory of the function a label names (e.g. `ingest`), MB; undefined when there is none. */
  memoryOf(label: string): number | undefined;
  /** The local cloud's latest log lines, to explain a failure. */
  recentLog(): string;
  /** Stops the cloud and removes the assembly. */
  stop(): Promise<void>;
}

/** Log lines kept to explain a failure; the rest are dropped, since a run logs several lines per job. */
const KEPT_LOG_LINES = 30;

/**
 * Starts the pipeline as `npm start` does: synthesizes the app once into a
 * temporary cloud assembly (every queue delivering to `targetUrl/<queue>`,
 * loopback allowed) while the emulators start, then runs it in the local
 * cloud with the template's own schedules. The bench partner and the stage
 * get throttles far above the load, so the bench measures the pipeline and
 * not API Gateway's throttle. The laned queue's consumer gets provisioned
 * concurrency (see `urgentReadyInstances`), as a deployment that promises
 * urgent latency would.
 *
 * @example
 * const run = await startPipeline({ projectRoot, targetUrl: target.url, onProgress: (step) => progress.update('synth', step) });
 */
export async function startPipeline(options: {
  readonly projectRoot: string;
  readonly targetUrl: string;
  readonly onProgress?: (step: string) => void;
}): Promise<PipelineRun> {
  const cdkOut = mkdtempSync(join(tmpdir(), 'pipeline-bench-out-'));
  const log: string[] = [];
  let emulators: Promise<Emulators> | undefined;
  try {
    emulators = startEmulators();
    // An emulator that cannot start (no Java) is the clearer failure: the synth stops at once and that one is told.
    const synthAborted = new AbortController();
    emulators.catch(() => synthAborted.abort());
    const [synthesized, started] = await Promise.allSettled([
      synthesize({
        cwd: options.projectRoot,
        args: [
          'synth', '--quiet', '--no-notices', '-o', cdkOut,
          '-c', `defaultTarget=${options.targetUrl}`,
          '-c', 'allowLoopbackTargets=true',
          '-c', `partners=${BENCH_PARTNER}`,
          '-c', 'apiRateLimit=10000',
          '-c', 'apiBurstLimit=5000',
          '-c', `partner.${BENCH_PARTNER}.rate=10000`,
          '-c', `partner.${BENCH_PARTNER}.burst=5000`,
          '-c', `provisionedConcurrency.${LANED_QUEUE}=${urgentReadyInstances(LANED_QUEUE)}`,
        ],
        onProgress: (step, count) => options.onProgress?.(`${step} (${count})`),
        signal: synthAborted.signal,
      }),
      emulators,
    ]);
    if (started.status === 'rejected') throw started.reason;
    if (synthesized.status === 'rejected') throw synthesized.reason;
    options.onProgress?.('starting the local cloud');
    const running = await emulators;
    // Read beside the cloud, which keeps its template to itself (the same assembly), and before it starts, so a failure leaves nothing running.
    const { template } = readStackTemplate(cdkOut);
    const localCloud = await startLocalCloud({
      cdkOut,
      port: 0,
      emulators: running,
      log: (line) => {
        log.push(line);
        if (log.length > KEPT_LOG_LINES * 2) log.splice(0, log.length - KEPT_LOG_LINES);
      },
    });
    const cloud: PipelineCloud = Object.assign(localCloud, { template });
    const apiKey = cloud.apiKeys[BENCH_PARTNER] ?? Object.values(cloud.apiKeys)[0];
    if (apiKey === undefined) {
      await cloud.stop();
      throw new Error('the local cloud has no API key for the bench partner');
    }
    return {
      cloud,
      cdkOut,
      apiKey,
      dynamoDbEndpoint: running.dynamoDb.endpoint,
      memoryOf: (label) => cloud.functions.find((spec) => spec.label === label)?.memoryMb,
      recentLog: () => log.slice(-KEPT_LOG_LINES).join('\n'),
      stop: async () => {
        await cloud.stop();
        rmSync(cdkOut, { recursive: true, force: true });
      },
    };
  } catch (error) {
    // Until the cloud has taken the emulators over, they are stopped here.
    await emulators?.then((running) => running.stop(), () => undefined);
    rmSync(cdkOut, { recursive: true, force: true });
    throw error;
  }
}
