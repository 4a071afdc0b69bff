import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import {
  DeduplicationScope,
  FifoThroughputLimit,
  Queue,
  QueueEncryption,
  RedrivePermission,
  type IQueue,
} from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ConfigError } from '../functions/core/errors';
import { consumerSizing, SQS_MAX_VISIBILITY_SECONDS } from '../functions/core/consumer-sizing';
import { lanesOf, maxReceiveCount, type Lane } from '../functions/core/lanes';
import type { QueueDefinition } from '../functions/core/queue-config';
import { deadLetterQueueName, laneQueueName } from '../functions/core/queue-names';

/** Properties of {@link JobQueues}. */
export interface JobQueuesProps {
  /** The queue's checked catalog entry. */
  readonly definition: QueueDefinition;
  /**
   * Prefix of every queue name (`jobs-<stage>`); the functions derive queue URLs
   * from it, so it must match their `QUEUE_NAME_PREFIX`. 1–20 letters, digits, `-` or `_`.
   */
  readonly namePrefix: string;
  /**
   * Visibility timeout of every lane.
   *
   * @default - from `consumerSizing(definition)`: 6 × the consumer's function timeout
   */
  readonly visibilityTimeout?: Duration;
  /**
   * What happens to the queues when the stack is deleted.
   *
   * @default - RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** SQS's longest retention: a job must never expire from a lane while it waits out long backoffs. */
const RETENTION = Duration.days(14);

/**
 * The SQS queues of one catalog entry: one lane per priority level (or one
 * `default` lane), and one dead-letter queue. Every queue has the name the
 * functions derive (`functions/core/queue-names.ts`), SQS-managed encryption
 * and a TLS-only policy; FIFO entries get FIFO queues with high-throughput
 * settings (throughput and deduplication per message group). Each lane
 * redrives to the DLQ after `maxReceiveCount(definition)` receives: sized from
 * the most attempts a request may ask for (and, on FIFO, a whole batch of its
 * group ahead of a message), so the consumer, which dead-letters by its own
 * attempt count with the record failed, always decides first; SQS's move is
 * a backstop for a consumer that crashes before it claims. The DLQ keeps
 * messages 14 days and accepts only its own lanes as sources.
 *
 * @example
 * const queues = new JobQueues(this, 'payments', { definition, namePrefix: 'jobs-dev' });
 * queues.grantSendToLanes(ingest.function);
 */
export class JobQueues extends Construct {
  /** The catalog entry these queues serve. */
  public readonly definition: QueueDefinition;
  /** The prefix the queues are named with (the functions' `QUEUE_NAME_PREFIX`). */
  public readonly namePrefix: string;
  /** The lanes, the highest first. */
  public readonly lanes: readonly Lane[];
  /** Each lane's queue. */
  public readonly laneQueues: ReadonlyMap<Lane, Queue>;
  /** The dead-letter queue. */
  public readonly deadLetterQueue: Queue;

  public constructor(scope: Construct, id: string, props: JobQueuesProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9_-]{1,20}$/.test(props.namePrefix)) {
      throw new ConfigError(
        `JobQueues ${id}: namePrefix must be 1–20 letters, digits, - or _ (the functions' QUEUE_NAME_PREFIX); got "${props.namePrefix}". Fix: use a shorter stage, e.g. jobs-dev`,
      );
    }
    const visibility = props.visibilityTimeout?.toSeconds() ?? consumerSizing(props.definition).visibilityTimeoutSeconds;
    if (visibility < 1 || visibility > SQS_MAX_VISIBILITY_SECONDS) {
      throw new ConfigError(
        `JobQueues ${id}: visibilityTimeout must be 1 s to 12 h; got ${visibility} s. Fix: leave it out to derive it from the catalog entry`,
      );
    }

    const { definition, namePrefix } = props;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    const fifo = definition.fifo
      ? {
          fifo: true,
          contentBasedDeduplication: false,
          fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
          deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
        }
      : {};
    const common = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: RETENTION, removalPolicy, ...fifo };

    this.definition = definition;
    this.namePrefix = namePrefix;
    this.lanes = lanesOf(definition);
    // The DLQ names its sources by ARN built from their names, not by reference:
    // the lanes already refer to the DLQ, and a reference back would be a cycle.
    const stack = Stack.of(this);
    const sources = this.lanes.map((lane) =>
      Queue.fromQueueArn(
        this,
        `Source-${lane}`,
        stack.formatArn({ service: 'sqs', resource: laneQueueName(namePrefix, definition, lane) }),
      ),
    );
    this.deadLetterQueue = new Queue(this, 'DeadLetter', {
      ...common,
      queueName: deadLetterQueueName(namePrefix, definition),
      redriveAllowPolicy: { redrivePermission: RedrivePermission.BY_QUEUE, sourceQueues: sources },
    });
    this.laneQueues = new Map(
      this.lanes.map((lane) => [
        lane,
        new Queue(this, `Lane-${lane}`, {
          ...common,
          queueName: laneQueueName(namePrefix, definition, lane),
          visibilityTimeout: Duration.seconds(visibility),
          deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: maxReceiveCount(definition) },
        }),
      ]),
    );
  }

  /** Every lane's queue, the highest first. */
  public get laneQueueList(): Queue[] {
    return this.lanes.map((lane) => this.laneQueue(lane));
  }

  /** One lane's queue; throws when the queue has no such lane. */
  public laneQueue(lane: Lane): Queue {
    const queue = this.laneQueues.get(lane);
    if (!queue) {
      throw new ConfigError(`queue ${this.definition.name} has no lane "${lane}"; its lanes are ${this.lanes.join(', ')}`);
    }
    return queue;
  }

  /** `sqs:SendMessage` (and so `SendMessageBatch`) on every lane. */
  public grantSendToLanes(grantee: IGrantable): void {
    for (const queue of this.laneQueueList) queue.grant(grantee, 'sqs:SendMessage');
  }

  /** `sqs:SendMessage` (and so `SendMessageBatch`) on the dead-letter queue. */
  public grantSendToDeadLetter(grantee: IGrantable): void {
    this.deadLetterQueue.grant(grantee, 'sqs:SendMessage');
  }

  /** `sqs:GetQueueAttributes` on every lane and, unless told otherwise, the dead-letter queue (depths, lane yield). */
  public grantReadAttributes(grantee: IGrantable, options: { readonly includeDeadLetter?: boolean } = {}): void {
    const queues: IQueue[] = [...this.laneQueueList, ...(options.includeDeadLetter === false ? [] : [this.deadLetterQueue])];
    for (const queue of queues) queue.grant(grantee, 'sqs:GetQueueAttributes');
  }
}
