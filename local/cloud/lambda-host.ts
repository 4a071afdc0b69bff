import { randomBytes, randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { LAMBDA_REQUEST_PAYLOAD_BYTES } from '../../functions/core/limits';
import { LambdaInvocationError } from './lambda-invocation-error';
import type { InstanceData, InstanceMessage } from './lambda-protocol';
import { displayLogLine } from './log-display';
import { forEachLine } from './log-lines';
import { logEventBytes, type UsageRecorder } from './meter';
import { workerScript } from './worker-script';

export { LambdaInvocationError } from './lambda-invocation-error';

/** One function as the host runs it. */
export interface FunctionSpec {
  /** The function's name, as `Ref` gives it. */
  readonly name: string;
  readonly arn: string;
  /** Absolute directory of the bundle. */
  readonly assetDir: string;
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Reserved concurrency: a hard cap, beyond which invocations are throttled. */
  readonly reservedConcurrency?: number;
  /** The complete environment of each instance. */
  readonly environment: Readonly<Record<string, string>>;
  /** The short name logs are prefixed with, e.g. `ingest`. */
  readonly label: string;
}

/** How the host runs instances. */
export interface FunctionHostOptions {
  /** Most instances of a function without reserved concurrency; more invocations wait. @default 10 */
  readonly localConcurrencyCap?: number;
  /** An idle instance is stopped after this long, as Lambda recycles them. @default 600000 */
  readonly idleTimeoutMs?: number;
  /**
   * Where lines go: the host's own (`[label] cold start: …`) and the function's output, one short line per event
   * (`12:01:02.345 label INFO message key=value`, see `displayLogLine`). @default console.log
   */
  readonly log?: (line: string) => void;
  /** Told of each invocation's billed time and of the bytes the function logs. @default - not metered */
  readonly meter?: Pick<UsageRecorder, 'lambdaInvocation' | 'logBytes'>;
}

/** Lambda's init phase limit; a cold start also gets the function's own timeout on top. */
const INIT_LIMIT_MS = 10_000;

interface Instance {
  readonly worker: Worker;
  readonly number: number;
  idleTimer?: NodeJS.Timeout;
  /** The INIT phase's duration, until the first invocation (which Lambda bills for it) takes it. */
  initMs?: number;
}

/**
 * Runs one function the way Lambda does: each instance a worker thread with
 * its own environment, loading the bundle once (a cold start, logged with its
 * duration) and then handling one invocation at a time; new instances only
 * while all are busy, up to the reserved concurrency (beyond it invocations
 * fail with `TooManyRequestsException`, as Lambda throttles) or, without one,
 * up to a local cap (beyond it invocations wait: Lambda would have run them).
 * An invocation that outlives the timeout ends its instance and fails with
 * `Task timed out after N seconds`.
 *
 * @example
 * const host = new FunctionHost(spec, { log: console.log });
 * const result = await host.invoke({ path: '/health' });
 * await host.stop();
 */
export class FunctionHost {
  private readonly idle: Instance[] = [];
  private readonly all = new Set<Instance>();
  private readonly waiting: (() => void)[] = [];
  private readonly cap: number;
  private readonly log: (line: string) => void;
  private created = 0;
  private stopped = false;

  constructor(
    readonly spec: FunctionSpec,
    private readonly options: FunctionHostOptions = {},
  ) {
    this.cap = spec.reservedConcurrency ?? options.localConcurrencyCap ?? 10;
    this.log = options.log ?? ((line) => console.log(line));
  }

  /** Instances running now, busy or idle. */
  get instanceCount(): number {
    return this.all.size;
  }

  /**
   * Runs one invocation and resolves with the handler's result as JSON would carry it.
   *
   * @throws LambdaInvocationError when the handler throws, times out, or its instance dies; when throttled; or
   *   (`RequestEntityTooLargeException`) when the event as JSON is over Lambda's 6 MB request payload
   */
  async invoke(event: unknown): Promise<unknown> {
    if (this.stopped) throw this.failure('ServiceException', 'the local cloud is stopping');
    const payload = JSON.stringify(event ?? null);
    // Lambda refuses a synchronous request payload over 6 MB before any instance sees it.
    if (Buffer.byteLength(payload, 'utf8') > LAMBDA_REQUEST_PAYLOAD_BYTES) {
      throw this.failure('RequestEntityTooLargeException', `Request must be smaller than ${LAMBDA_REQUEST_PAYLOAD_BYTES} bytes for the InvokeFunction operation`);
    }
    const instance = await this.acquire();
    const requestId = randomUUID();
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    const started = performance.now();
    try {
      return await this.exchange(instance, { kind: 'invoke', requestId, event: payload, deadlineMs: Date.now() + timeoutMs }, timeoutMs);
    } finally {
      // Billed whatever the outcome; since August 2025 Lambda bills a cold start's INIT phase with its first invocation.
      this.options.meter?.lambdaInvocation(this.spec.label, performance.now() - started + (instance.initMs ?? 0), this.spec.memoryMb);
      instance.initMs = undefined;
      this.release(instance);
    }
  }

  /**
   * Ends every instance that is running an invocation, at once, as Lambda ends
   * one whose runtime crashes: its invocation fails with `Runtime.ExitError`
   * and anything it had not finished is lost. Idle instances stay. Returns how
   * many were ended (fault injection in tests).
   */
  crashBusyInstances(): number {
    const busy = [...this.all].filter((instance) => !this.idle.includes(instance));
    for (const instance of busy) {
      this.log(`[${this.spec.label}] instance ${instance.number} killed (injected crash)`);
      void this.discard(instance);
    }
    return busy.length;
  }

  /** Stops every instance; invocations in flight fail. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.all([...this.all].map((instance) => this.discard(instance)));
  }

  private async acquire(): Promise<Instance> {
    for (;;) {
      const idle = this.idle.pop();
      if (idle !== undefined) {
        clearTimeout(idle.idleTimer);
        return idle;
      }
      if (this.all.size < this.cap) return this.coldStart();
      if (this.spec.reservedConcurrency !== undefined) {
        throw this.failure('TooManyRequestsException', `Rate Exceeded. (reserved concurrency ${this.cap} in use)`);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      if (this.stopped) throw this.failure('ServiceException', 'the local cloud is stopping');
    }
  }

  private release(instance: Instance): void {
    if (!this.all.has(instance) || this.stopped) return;
    instance.idleTimer = setTimeout(() => {
      const index = this.idle.indexOf(instance);
      if (index >= 0) this.idle.splice(index, 1);
      void this.discard(instance);
    }, this.options.idleTimeoutMs ?? 600_000);
    instance.idleTimer.unref();
    this.idle.push(instance);
    this.waiting.shift()?.();
  }

  private async coldStart(): Promise<Instance> {
    const number = ++this.created;
    const { spec } = this;
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
      env: { ...spec.environment, AWS_LAMBDA_LOG_GROUP_NAME: data.logGroupName, AWS_LAMBDA_LOG_STREAM_NAME: data.logStreamName },
      // The host's own loader flags (TypeScript, test runner) have no place in a function.
      execArgv: [],
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: spec.memoryMb },
    });
    // Shown short; the meter below counts the JSON the function wrote, as CloudWatch would ingest it.
    const show = (line: string): void => this.log(displayLogLine(line, spec.label, new Date()));
    forEachLine(worker.stdout, show);
    forEachLine(worker.stderr, show);
    const { meter } = this.options;
    if (meter !== undefined) {
      for (const stream of [worker.stdout, worker.stderr]) stream.on('data', (chunk: string | Buffer) => meter.logBytes(spec.label, logEventBytes(chunk)));
    }
    const instance: Instance = { worker, number };
    this.all.add(instance);
    worker.once('exit', () => this.forget(instance));
    const ready = await this.next(instance, INIT_LIMIT_MS + spec.timeoutSeconds * 1000).catch(async (error: unknown) => {
      await this.discard(instance);
      throw error;
    });
    if (ready.kind === 'init-error') {
      await this.discard(instance);
      this.log(`[${spec.label}] init failed: ${ready.error.errorType}: ${ready.error.errorMessage}`);
      throw new LambdaInvocationError(spec.name, ready.error);
    }
    if (ready.kind === 'ready') {
      instance.initMs = ready.initMs;
      this.log(`[${spec.label}] cold start: instance ${number} initialized in ${ready.initMs} ms`);
    }
    return instance;
  }

  private async exchange(instance: Instance, message: { kind: 'invoke'; requestId: string; event: string; deadlineMs: number }, timeoutMs: number): Promise<unknown> {
    const answer = this.next(instance, timeoutMs);
    instance.worker.postMessage(message);
    let reply: InstanceMessage;
    try {
      reply = await answer;
    } catch (error) {
      await this.discard(instance);
      throw error;
    }
    if (reply.kind === 'result') return JSON.parse(reply.payload) as unknown;
    if (reply.kind === 'error') {
      // The runtime logs what a handler threw, as Lambda's runtime does.
      this.log(`[${this.spec.label}] ERROR Invoke Error ${JSON.stringify({ errorType: reply.error.errorType, errorMessage: reply.error.errorMessage })}`);
      throw new LambdaInvocationError(this.spec.name, reply.error);
    }
    throw this.failure('Runtime.InvalidResponse', `unexpected ${reply.kind} message from instance ${instance.number}`);
  }

  /** The instance's next message; a timeout or the instance's death rejects. */
  private next(instance: Instance, timeoutMs: number): Promise<InstanceMessage> {
    const { worker } = instance;
    return new Promise<InstanceMessage>((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (message: InstanceMessage): void => {
        settle();
        resolve(message);
      };
      const onError = (error: Error): void => {
        settle();
        const type = (error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
        this.log(`[${this.spec.label}] instance ${instance.number} crashed: ${error.message}`);
        reject(this.failure(type, `instance ${instance.number} crashed: ${error.message}`));
      };
      const onExit = (code: number): void => {
        settle();
        reject(this.failure('Runtime.ExitError', `instance ${instance.number} exited with code ${code}`));
      };
      const timer = setTimeout(() => {
        settle();
        const seconds = (timeoutMs / 1000).toFixed(2);
        this.log(`[${this.spec.label}] Task timed out after ${seconds} seconds (instance ${instance.number} stopped)`);
        reject(this.failure('Sandbox.Timedout', `Task timed out after ${seconds} seconds`));
      }, timeoutMs);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
    });
  }

  private forget(instance: Instance): void {
    clearTimeout(instance.idleTimer);
    this.all.delete(instance);
    const index = this.idle.indexOf(instance);
    if (index >= 0) this.idle.splice(index, 1);
    // A slot freed by a crash or timeout lets a waiting invocation start a new instance.
    this.waiting.shift()?.();
  }

  private async discard(instance: Instance): Promise<void> {
    this.forget(instance);
    await instance.worker.terminate();
  }

  private failure(errorType: string, message: string): LambdaInvocationError {
    return new LambdaInvocationError(this.spec.name, { errorType, errorMessage: message, trace: [] });
  }
}

/** Lambda's log stream name: date, version and a random instance id. */
function logStreamName(): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}
