import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { LAMBDA_REQUEST_PAYLOAD_BYTES } from '../../functions/core/limits';
import { LocalCloudError } from '../errors';
import { invocationTarget, qualifiedArn } from './function-names';
import { LambdaInvocationError } from './lambda-invocation-error';
import type { FunctionHostOptions, FunctionSpec } from './function-spec';
import { startInstanceWorker, type InitializationType } from './instance-worker';
import type { InstanceMessage, InvokeMessage } from './lambda-protocol';

export type { FunctionHostOptions, FunctionSpec } from './function-spec';
export { LambdaInvocationError } from './lambda-invocation-error';

/** Lambda's init phase limit; a cold start also gets the function's own timeout on top. */
const INIT_LIMIT_MS = 10_000;

interface Instance {
  readonly worker: Worker;
  readonly number: number;
  /** Provisioned instances are never reaped when idle, are handed invocations first, and are replaced when they end. */
  readonly provisioned: boolean;
  /** Set once INIT succeeded: only an instance that ran is replaced. */
  initialized?: boolean;
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
 * `Task timed out after N seconds`. With provisioned concurrency,
 * {@link FunctionHost.provision} starts that many instances ahead of any
 * invocation; they count against the reserved concurrency, take invocations
 * before on-demand instances, are never reaped when idle, and are replaced
 * when one ends.
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
    const provisioned = spec.provisionedConcurrency ?? 0;
    if (spec.reservedConcurrency !== undefined && provisioned > spec.reservedConcurrency) {
      // Lambda refuses to provision more than the reserved concurrency: the deployment would fail.
      throw new LocalCloudError(`${spec.name}: provisioned concurrency ${provisioned} exceeds its reserved concurrency ${spec.reservedConcurrency}, which Lambda refuses`, {
        context: { functionName: spec.name, provisioned, reserved: spec.reservedConcurrency },
      });
    }
    this.cap = spec.reservedConcurrency ?? Math.max(options.localConcurrencyCap ?? 10, provisioned);
    this.log = options.log ?? ((line) => console.log(line));
  }

  /** Instances running now, busy or idle. */
  get instanceCount(): number {
    return this.all.size;
  }

  /**
   * Starts the provisioned instances (`provisionedConcurrency`), initialized in parallel, each logged as
   * `[label] provisioned: instance N initialized in X ms`; resolves when all are ready. Call once, at start-up.
   *
   * @throws LocalCloudError when an instance fails its INIT (on AWS the alias's deployment would fail)
   */
  async provision(): Promise<void> {
    const count = this.spec.provisionedConcurrency ?? 0;
    const started = await Promise.allSettled(Array.from({ length: count }, () => this.startProvisioned()));
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed !== undefined) {
      throw new LocalCloudError(`${this.spec.label}: provisioned concurrency could not be initialized`, { cause: failed.reason, context: { functionName: this.spec.name } });
    }
  }

  /**
   * Runs one invocation and resolves with the handler's result as JSON would carry it. `qualifier` is the
   * alias or version it is made through (`live`): the handler then sees the qualified ARN as
   * `context.invokedFunctionArn` and the alias's version as `context.functionVersion`.
   *
   * @throws LambdaInvocationError when the handler throws, times out, or its instance dies; when throttled; when
   *   the function has no such qualifier (`ResourceNotFoundException`); or (`RequestEntityTooLargeException`) when
   *   the event as JSON is over Lambda's 6 MB request payload
   */
  async invoke(event: unknown, options: { readonly qualifier?: string } = {}): Promise<unknown> {
    if (this.stopped) throw this.failure('ServiceException', 'the local cloud is stopping');
    const target = invocationTarget(this.spec.arn, this.spec.qualifiers ?? {}, options.qualifier);
    if (target === undefined) throw this.failure('ResourceNotFoundException', `Function not found: ${qualifiedArn(this.spec.arn, options.qualifier)}`);
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
      return await this.exchange(instance, { kind: 'invoke', requestId, event: payload, deadlineMs: Date.now() + timeoutMs, ...target }, timeoutMs);
    } finally {
      // Billed whatever the outcome; since August 2025 Lambda bills a cold start's INIT phase with its first invocation.
      // A provisioned instance has none to add: its INIT is paid for by the provisioned concurrency itself.
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
      const idle = this.takeIdle();
      if (idle !== undefined) {
        clearTimeout(idle.idleTimer);
        return idle;
      }
      if (this.all.size < this.cap) return this.coldStart('on-demand');
      if (this.spec.reservedConcurrency !== undefined) {
        throw this.failure('TooManyRequestsException', `Rate Exceeded. (reserved concurrency ${this.cap} in use)`);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      if (this.stopped) throw this.failure('ServiceException', 'the local cloud is stopping');
    }
  }

  /** An idle instance, provisioned ones first (as Lambda routes to provisioned concurrency before it scales on demand), the most recently used of those. */
  private takeIdle(): Instance | undefined {
    for (let index = this.idle.length - 1; index >= 0; index--) {
      if (this.idle[index]?.provisioned === true) return this.idle.splice(index, 1)[0];
    }
    return this.idle.pop();
  }

  private async startProvisioned(): Promise<void> {
    const instance = await this.coldStart('provisioned-concurrency');
    this.release(instance);
  }

  private release(instance: Instance): void {
    if (!this.all.has(instance) || this.stopped) return;
    if (instance.provisioned) {
      this.idle.push(instance);
      this.waiting.shift()?.();
      return;
    }
    instance.idleTimer = setTimeout(() => {
      const index = this.idle.indexOf(instance);
      if (index >= 0) this.idle.splice(index, 1);
      void this.discard(instance);
    }, this.options.idleTimeoutMs ?? 600_000);
    instance.idleTimer.unref();
    this.idle.push(instance);
    this.waiting.shift()?.();
  }

  private async coldStart(initialization: InitializationType): Promise<Instance> {
    const number = ++this.created;
    const provisioned = initialization === 'provisioned-concurrency';
    const { spec } = this;
    const worker = startInstanceWorker(spec, initialization, { log: this.log, ...(this.options.meter === undefined ? {} : { meter: this.options.meter }) });
    const instance: Instance = { worker, number, provisioned };
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
      instance.initialized = true;
      if (!provisioned) instance.initMs = ready.initMs;
      this.log(`[${spec.label}] ${provisioned ? 'provisioned' : 'cold start'}: instance ${number} initialized in ${ready.initMs} ms`);
    }
    return instance;
  }

  private async exchange(instance: Instance, message: InvokeMessage, timeoutMs: number): Promise<unknown> {
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
    const known = this.all.delete(instance);
    const index = this.idle.indexOf(instance);
    if (index >= 0) this.idle.splice(index, 1);
    // Lambda keeps the provisioned concurrency allocated: one that crashed or timed out is initialized again,
    // taking its slot back before a waiting invocation can.
    if (known && instance.provisioned && instance.initialized === true && !this.stopped) {
      this.log(`[${this.spec.label}] provisioned: replacing instance ${instance.number}`);
      this.startProvisioned().catch((error: unknown) => this.log(`[${this.spec.label}] provisioned: replacement failed: ${error instanceof Error ? error.message : String(error)}`));
    }
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
