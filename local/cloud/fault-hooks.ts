import { LocalCloudError } from '../errors';

/** How the DynamoDB fault proxy answers a request it fails. */
export const DYNAMODB_FAULT = {
  /** `ProvisionedThroughputExceededException` (400), before the request reaches the database: nothing is written. */
  throttle: 'throttle',
  /** `InternalServerError` (500), after the request was applied: the write happened, the caller is told it did not. */
  errorAfterWrite: 'error-after-write',
} as const;

/** One of {@link DYNAMODB_FAULT}. */
export type DynamoDbFault = (typeof DYNAMODB_FAULT)[keyof typeof DYNAMODB_FAULT];

/** What the hooks act on, bound by the local cloud once it runs. */
export interface FaultTargets {
  /** Ends every busy instance of the function with this label (e.g. `email-consumer`) or name; returns how many. */
  crashBusyInstances(function_: string): number;
  /** The process id of DynamoDB Local's JVM. */
  readonly dynamoDbPid?: number;
}

/** A lane or DLQ name's catalog queue: `jobs-dev-email-urgent.fifo` → `email` when `queue` is `email`. */
function isLaneOf(queueName: string, queue: string): boolean {
  const name = queueName.replace(/\.fifo$/, '');
  return new RegExp(`-${queue}(-(urgent|high|normal|low))?$`).test(name);
}

/**
 * Switches for the faults a test injects into a running local cloud: SQS sends
 * refused, batches delivered twice, DynamoDB errors, DynamoDB Local frozen,
 * function instances killed. Pass one to `startLocalCloud({ faults })`; every
 * switch starts off, so a cloud with hooks behaves as one without until a test
 * turns one on. The hooks are the test's, not the functions': nothing in a
 * function can see them, as nothing in a Lambda can see AWS's failures coming.
 *
 * @example
 * const faults = new FaultHooks();
 * const cloud = await startLocalCloud({ cdkOut, port: 0, faults });
 * faults.failSendsTo('email');
 * await faults.freezeDynamoDb(10_000);
 */
export class FaultHooks {
  private readonly failingSends = new Set<string>();
  private readonly duplicated = new Set<string>();
  private dynamoShare = 0;
  private dynamoFaults: readonly DynamoDbFault[] = [];
  private targets?: FaultTargets;
  private thaw?: () => void;

  /** Called by the local cloud once its functions and emulators run. */
  bind(targets: FaultTargets): void {
    this.targets = targets;
  }

  /** Every SQS send (SendMessage, SendMessageBatch) to a lane of `queue` fails with a 500 until {@link restoreSends}. */
  failSendsTo(queue: string): void {
    this.failingSends.add(queue);
  }

  /** Sends to `queue`'s lanes pass again. */
  restoreSends(queue: string): void {
    this.failingSends.delete(queue);
  }

  /** Whether the SQS proxy fails this call: `queueUrl` is the call's `QueueUrl`. */
  failsSqsCall(action: string, queueUrl: string | undefined): boolean {
    if (action !== 'SendMessage' && action !== 'SendMessageBatch') return false;
    if (queueUrl === undefined || this.failingSends.size === 0) return false;
    const name = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
    if (name.replace(/\.fifo$/, '').endsWith('-dlq')) return false;
    return [...this.failingSends].some((queue) => isLaneOf(name, queue));
  }

  /** Every batch the pollers receive from a lane of `queue` is handed to its function twice at once, as SQS's at-least-once delivery may. */
  duplicateDeliveries(queue: string, on = true): void {
    if (on) this.duplicated.add(queue);
    else this.duplicated.delete(queue);
  }

  /** How many times the poller of the lane at `queueUrl` hands each batch to its function. */
  copiesOfBatch(queueUrl: string): number {
    const name = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
    return [...this.duplicated].some((queue) => isLaneOf(name, queue)) ? 2 : 1;
  }

  /** A `share` (0–1) of the functions' DynamoDB requests fail, each with one of `faults` in turn at random; 0 stops it. */
  failDynamoDb(share: number, faults: readonly DynamoDbFault[] = [DYNAMODB_FAULT.throttle, DYNAMODB_FAULT.errorAfterWrite]): void {
    if (!(share >= 0 && share <= 1)) throw new LocalCloudError(`the share of failed DynamoDB requests must be from 0 to 1; got ${share}`);
    this.dynamoShare = share;
    this.dynamoFaults = faults;
  }

  /** The fault for one DynamoDB request, or undefined to pass it. */
  dynamoDbFault(): DynamoDbFault | undefined {
    if (this.dynamoShare === 0 || this.dynamoFaults.length === 0 || Math.random() >= this.dynamoShare) return undefined;
    return this.dynamoFaults[Math.floor(Math.random() * this.dynamoFaults.length)];
  }

  /**
   * Stops DynamoDB Local's JVM (SIGSTOP) for `ms`, then lets it go on
   * (SIGCONT): every request in flight or sent meanwhile waits, as on a
   * database that hangs. Resolves once it runs again.
   */
  async freezeDynamoDb(ms: number): Promise<void> {
    const pid = this.bound().dynamoDbPid;
    if (pid === undefined) throw new LocalCloudError('DynamoDB Local was not started by this local cloud: its process cannot be frozen');
    process.kill(pid, 'SIGSTOP');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.thaw?.(), ms);
      this.thaw = () => {
        clearTimeout(timer);
        this.thaw = undefined;
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // Already gone: nothing left to thaw.
        }
        resolve();
      };
    });
  }

  /** Ends every busy instance of a function at once, as Lambda ends one that crashes; returns how many. */
  crashBusyInstances(function_: string): number {
    return this.bound().crashBusyInstances(function_);
  }

  /** Turns every switch off and thaws DynamoDB Local if it is frozen (the cloud calls this when it stops). */
  reset(): void {
    this.failingSends.clear();
    this.duplicated.clear();
    this.dynamoShare = 0;
    this.thaw?.();
  }

  private bound(): FaultTargets {
    if (this.targets === undefined) throw new LocalCloudError('the fault hooks are not bound to a running local cloud yet');
    return this.targets;
  }
}
