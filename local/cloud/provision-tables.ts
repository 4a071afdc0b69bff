import {
  CreateTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { ProvisionError } from '../errors';
import { waitUntilActive } from '../provision';
import { resolveValue, type ResolveScope, type UnresolvedReference } from './intrinsics';
import type { CfnResource } from './template';

/** One table to create, resolved from the template. */
export interface TableSpec {
  readonly logicalId: string;
  readonly input: CreateTableCommandInput;
  /** The TTL attribute, when TTL is enabled. */
  readonly ttlAttribute?: string;
  /** Template properties with no local effect, e.g. `PointInTimeRecoverySpecification`. */
  readonly ignoredProperties: readonly string[];
}

/** Properties that shape the table in DynamoDB Local. */
const CREATE_PROPERTIES = [
  'AttributeDefinitions',
  'KeySchema',
  'GlobalSecondaryIndexes',
  'LocalSecondaryIndexes',
  'BillingMode',
  'ProvisionedThroughput',
  'StreamSpecification',
] as const;

/** Properties read elsewhere, so not reported as ignored. */
const HANDLED_PROPERTIES = new Set<string>([...CREATE_PROPERTIES, 'TableName', 'TimeToLiveSpecification']);

/**
 * The tables an `AWS::DynamoDB::Table` list declares: keys, indexes, billing
 * mode and streams as `CreateTable` takes them (CloudFormation's property
 * shapes are the API's), under their local names, and the TTL attribute.
 *
 * @example
 * const specs = tableSpecs(resourcesOfType(template, 'AWS::DynamoDB::Table'), scope);
 */
export function tableSpecs(tables: readonly [string, CfnResource][], scope: ResolveScope, unresolved: UnresolvedReference[] = []): TableSpec[] {
  return tables.map(([logicalId, resource]) => {
    const local = scope.resource(logicalId);
    if (local === undefined) throw new ProvisionError(`table ${logicalId} has no local name`, { context: { logicalId } });
    const properties = resolveValue(resource.Properties ?? {}, scope, unresolved) as Record<string, unknown>;
    const input: Record<string, unknown> = { TableName: local.ref };
    for (const property of CREATE_PROPERTIES) if (properties[property] !== undefined) input[property] = properties[property];
    // The template states only the view type; the API also wants the stream turned on.
    if (typeof properties.StreamSpecification === 'object' && properties.StreamSpecification !== null) {
      input.StreamSpecification = { StreamEnabled: true, ...properties.StreamSpecification };
    }
    const ttl = properties.TimeToLiveSpecification as { AttributeName?: unknown; Enabled?: unknown } | undefined;
    const ttlEnabled = ttl !== undefined && (ttl.Enabled === true || ttl.Enabled === 'true') && typeof ttl.AttributeName === 'string';
    return {
      logicalId,
      input: input as unknown as CreateTableCommandInput,
      ...(ttlEnabled ? { ttlAttribute: String(ttl.AttributeName) } : {}),
      ignoredProperties: Object.keys(properties).filter((property) => !HANDLED_PROPERTIES.has(property)),
    };
  });
}

/**
 * Creates each table in DynamoDB Local, waits until it and its indexes are
 * active, and enables TTL where the template does.
 *
 * @throws ProvisionError when a table does not become active within 30 s
 * @example
 * await createTables(dynamo, specs);
 */
export async function createTables(client: DynamoDBClient, specs: readonly TableSpec[]): Promise<void> {
  await Promise.all(
    specs.map(async (spec) => {
      const tableName = spec.input.TableName ?? spec.logicalId;
      await client.send(new CreateTableCommand(spec.input));
      await waitUntilActive(client, tableName);
      if (spec.ttlAttribute !== undefined) {
        await client.send(
          new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true } }),
        );
      }
    }),
  );
}
