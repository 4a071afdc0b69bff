import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { HEALTH_SNAPSHOT_KEY } from '../functions/core/health-snapshot';
import { JOBS_TABLE } from '../functions/core/table-schema';

/** Properties of {@link JobsTable}. */
export interface JobsTableProps {
  /**
   * Production tables are deletion-protected and kept when the stack is deleted.
   *
   * @default - false: the table is deleted with the stack
   */
  readonly production?: boolean;
}

/** One sparse index of `JOBS_TABLE`: a string partition key and an epoch-milliseconds sort key. */
interface IndexSpec {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** The attributes projected besides the keys; everything when left out. */
  readonly nonKeyAttributes?: readonly string[];
}

/** Every index `JOBS_TABLE` declares (each `…Index` entry), so a new one is provisioned with no edit here. */
function indexesOf(layout: Record<string, unknown>): IndexSpec[] {
  return Object.entries(layout)
    .filter(([key, value]) => key.endsWith('Index') && typeof value === 'object' && value !== null)
    .map(([, value]) => value as IndexSpec);
}

/** Item actions of the job store: state transitions, payload items, metrics counters. */
const JOB_STORE_ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchGetItem',
] as const;

/** Read actions of the health and status views. */
const READ_ITEM_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem'] as const;

/** The health snapshot: a read, and conditional updates for its refresh lease and its counts. */
const HEALTH_SNAPSHOT_ACTIONS = ['dynamodb:GetItem', 'dynamodb:UpdateItem'] as const;

/** The rate limiter's token bucket: a read and a conditional update. */
const RATE_LIMITER_ACTIONS = ['dynamodb:GetItem', 'dynamodb:UpdateItem'] as const;

/**
 * The jobs table: job state, payload, metrics and rate-limiter items under the
 * key layout of `JOBS_TABLE` (`functions/core/table-schema.ts`), exactly as the
 * local cloud creates it. On-demand, TTL on `expires_at`, point-in-time
 * recovery, and the sparse indexes `JOBS_TABLE` declares (`schedule`: jobs not
 * finished yet, projecting only what never changes while a job is in it;
 * `failed`: failed jobs whose message waits in a DLQ, projecting all), each
 * keyed by a string and an epoch-milliseconds number.
 *
 * Grants are explicit actions on the table and its indexes, never `*`.
 *
 * @example
 * const jobs = new JobsTable(this, 'Jobs', { production: stage === 'prod' });
 * jobs.grantJobStore(ingest.function);
 */
export class JobsTable extends Construct {
  /** The DynamoDB table. */
  public readonly table: Table;

  /** ARNs of the table's indexes, by index name. */
  public readonly indexArns: ReadonlyMap<string, string>;

  public constructor(scope: Construct, id: string, props: JobsTableProps = {}) {
    super(scope, id);
    const production = props.production ?? false;

    this.table = new Table(this, 'Table', {
      partitionKey: { name: JOBS_TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: JOBS_TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: JOBS_TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: production,
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const indexArns = new Map<string, string>();
    for (const index of indexesOf(JOBS_TABLE)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.NUMBER },
        ...(index.nonKeyAttributes === undefined
          ? { projectionType: ProjectionType.ALL }
          : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.nonKeyAttributes] }),
      });
      indexArns.set(index.name, `${this.table.tableArn}/index/${index.name}`);
    }
    this.indexArns = indexArns;
  }

  /** The job store's access: item reads and writes on the table, queries on the table and its indexes. */
  public grantJobStore(grantee: IGrantable): void {
    this.grantItems(grantee, JOB_STORE_ITEM_ACTIONS);
    this.grantQuery(grantee);
  }

  /**
   * Batch puts of new job records, for the ingest: a request's plain jobs
   * (fresh ids, no dedup key) are written 25 to a call, which a conditional
   * put cannot be (see `functions/adapters/job-batch-create.ts`).
   */
  public grantBatchCreate(grantee: IGrantable): void {
    this.grantItems(grantee, ['dynamodb:BatchWriteItem']);
  }

  /** Read-only access for views: item reads, queries on the table and its indexes. */
  public grantRead(grantee: IGrantable): void {
    this.grantItems(grantee, READ_ITEM_ACTIONS);
    this.grantQuery(grantee);
  }

  /**
   * The health routes' shared snapshot: read and update, on its one partition
   * only (`dynamodb:LeadingKeys` is the snapshot's partition key value), so the
   * public-facing health function can write nothing else.
   */
  public grantHealthSnapshot(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...HEALTH_SNAPSHOT_ACTIONS],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [HEALTH_SNAPSHOT_KEY.partitionKey] } },
      }),
    );
  }

  /** The rate limiter's access: a read and an update of its bucket items. */
  public grantRateLimiter(grantee: IGrantable): void {
    this.grantItems(grantee, RATE_LIMITER_ACTIONS);
  }

  private grantItems(grantee: IGrantable, actions: readonly string[]): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: [...actions], resources: [this.table.tableArn] }));
  }

  private grantQuery(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [this.table.tableArn, ...this.indexArns.values()] }),
    );
  }
}
