import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { FunctionSpec } from './function-spec';
import type { InstanceData } from './lambda-protocol';
import { displayLogLine } from './log-display';
import { forEachLine } from './log-lines';
import { logEventBytes, type UsageRecorder } from './meter';
import { workerScript } from './worker-script';

/** How an instance came to be, as Lambda's `AWS_LAMBDA_INITIALIZATION_TYPE` says: started for an invocation, or ahead of any. */
export type InitializationType = 'on-demand' | 'provisioned-concurrency';

/**
 * Starts one function instance: a worker thread with the function's own
 * environment (plus the log group and stream and the initialization type
 * Lambda sets per instance), its heap capped at the function's memory, and its
 * output shown one short line per event and counted by the meter as CloudWatch
 * would ingest it. The worker then loads the bundle and reports `ready`.
 *
 * @example
 * const worker = startInstanceWorker(spec, 'on-demand', { log: console.log });
 */
export function startInstanceWorker(
  spec: FunctionSpec,
  initialization: InitializationType,
  options: { readonly log: (line: string) => void; readonly meter?: Pick<UsageRecorder, 'logBytes'> },
): Worker {
  const data: InstanceData = {
    assetDir: spec.assetDir,
    handler: spec.handler,
    functionName: spec.name,
    functionArn: spec.arn,
    memoryMb: spec.memoryMb,
    logGroupName: `/aws/lambda/${spec.name}`,
    logStreamName: logStreamName(),
  };
  const worker = new Worker(workerScript(), {
    eval: true,
    workerData: data,
    env: {
      ...spec.environment,
      AWS_LAMBDA_LOG_GROUP_NAME: data.logGroupName,
      AWS_LAMBDA_LOG_STREAM_NAME: data.logStreamName,
      AWS_LAMBDA_INITIALIZATION_TYPE: initialization,
    },
    // The host's own loader flags (TypeScript, test runner) have no place in a function.
    execArgv: [],
    stdout: true,
    stderr: true,
    resourceLimits: { maxOldGenerationSizeMb: spec.memoryMb },
  });
  // Shown short; the meter below counts the JSON the function wrote, as CloudWatch would ingest it.
  const show = (line: string): void => options.log(displayLogLine(line, spec.label, new Date()));
  forEachLine(worker.stdout, show);
  forEachLine(worker.stderr, show);
  const { meter } = options;
  if (meter !== undefined) {
    for (const stream of [worker.stdout, worker.stderr]) stream.on('data', (chunk: string | Buffer) => meter.logBytes(spec.label, logEventBytes(chunk)));
  }
  return worker;
}

/** Lambda's log stream name: date, version and a random instance id. */
function logStreamName(): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}
