import { createHash } from 'node:crypto';
import { queueUrl } from '../../functions/core/queue-names';
import { parseFunctionName } from './function-names';
import {
  conditionHolds,
  resolveString,
  type LocalResource,
  type PseudoParameters,
  type ResolveScope,
  type UnresolvedReference,
} from './intrinsics';
import type { CfnResource, CfnTemplate } from './template';

/** What the local names, ARNs and URLs are built from. */
export interface LocalResourcesOptions {
  readonly template: CfnTemplate;
  readonly pseudo: PseudoParameters;
  /** The SQS base URL queue URLs are made of (`<base>/<name>`), as the emulator builds them. */
  readonly queueUrlBase: string;
}

/** The template's resources with their local values, and the scope to resolve intrinsics over them. */
export interface LocalResources {
  /** Resolves `Ref` and `Fn::GetAtt` to local values; every other resource type gets placeholders. */
  readonly scope: ResolveScope;
  /** The resources that exist (their `Condition`, if any, holds), by logical id. */
  readonly resources: ReadonlyMap<string, CfnResource>;
  /** References that had no local value while naming resources. */
  readonly unresolved: readonly UnresolvedReference[];
}

/**
 * Gives every resource the local cloud runs (and the few it only names) its
 * local physical values, the way CloudFormation would: the template's explicit
 * name (`QueueName`, `TableName`, `FunctionName`…) when it has one, else a name
 * made of the stack name, the logical id and a stable suffix. ARNs are in the
 * local region and account; queue URLs are under `queueUrlBase`. Ids that
 * CloudFormation makes up (REST API ids, mapping UUIDs) are derived from the
 * logical id, so they are the same on every start. A function version's `Ref`
 * is its ARN (`…:function:<name>:1`, versions numbered in template order) and
 * `Fn::GetAtt [v, Version]` its number; an alias's `Ref` is its ARN
 * (`…:function:<name>:<alias>`), as Lambda names them.
 *
 * @example
 * const { scope } = localResources({ template, pseudo, queueUrlBase });
 * resolveValue({ 'Fn::GetAtt': ['Work', 'Arn'] }, scope); // 'arn:aws:sqs:us-east-1:000000000000:fixture-work'
 */
export function localResources(options: LocalResourcesOptions): LocalResources {
  const { template, pseudo } = options;
  const all = template.Resources ?? {};
  const unresolved: UnresolvedReference[] = [];
  const values = new Map<string, LocalResource | undefined>();
  const naming = new Set<string>();
  let existing = new Map<string, CfnResource>();
  const parameters = Object.fromEntries(Object.entries(template.Parameters ?? {}).map(([name, parameter]) => [name, parameterValue(parameter)]));

  const scope: ResolveScope = {
    pseudo,
    parameters,
    ...(template.Conditions === undefined ? {} : { conditions: template.Conditions }),
    ...(template.Mappings === undefined ? {} : { mappings: template.Mappings }),
    typeOf: (logicalId) => all[logicalId]?.Type,
    resource: (logicalId) => {
      if (values.has(logicalId)) return values.get(logicalId);
      const resource = existing.get(logicalId);
      // A name that refers back to its own resource cannot be resolved: leave it to the placeholder.
      if (resource === undefined || naming.has(logicalId)) return undefined;
      naming.add(logicalId);
      try {
        const local = localValues(logicalId, resource, { ...options, scope, unresolved, existing: () => existing });
        values.set(logicalId, local);
        return local;
      } finally {
        naming.delete(logicalId);
      }
    },
  };
  // Conditions refer to parameters only, never to resources, so they can be evaluated now.
  existing = new Map(
    Object.entries(all).filter(([, resource]) => resource.Condition === undefined || conditionHolds(resource.Condition, scope, unresolved)),
  );
  return { scope, resources: existing, unresolved };
}

/** Parameter values as CloudFormation would pass them: the default, lists split; SSM parameters have none here. */
function parameterValue(parameter: { readonly Default?: unknown; readonly Type?: string }): unknown {
  if (parameter.Type?.startsWith('AWS::SSM::Parameter')) return undefined;
  if (parameter.Default === undefined) return undefined;
  if (parameter.Type === 'CommaDelimitedList' || parameter.Type?.startsWith('List<')) return String(parameter.Default).split(',');
  return parameter.Default;
}

interface NamingContext extends LocalResourcesOptions {
  readonly scope: ResolveScope;
  readonly unresolved: UnresolvedReference[];
  /** The resources that exist, in template order. */
  readonly existing: () => ReadonlyMap<string, CfnResource>;
}

function localValues(logicalId: string, resource: CfnResource, context: NamingContext): LocalResource | undefined {
  const { region, accountId, partition, stackName } = context.pseudo;
  const properties = resource.Properties ?? {};
  const type = resource.Type;
  const explicit = (property: string): string | undefined =>
    properties[property] === undefined ? undefined : resolveString(properties[property], context.scope, context.unresolved);
  const generated = (maxLength: number): string => generatedName(stackName, logicalId, maxLength);
  const arn = (service: string, resourcePart: string, inRegion = true): string =>
    `arn:${partition}:${service}:${inRegion ? region : ''}:${accountId}:${resourcePart}`;
  const made = (ref: string, attributes: Record<string, string> = {}): LocalResource => ({ type, ref, attributes });

  switch (type) {
    case 'AWS::SQS::Queue': {
      const fifo = properties.FifoQueue === true || properties.FifoQueue === 'true';
      const name = explicit('QueueName') ?? (fifo ? `${generated(75)}.fifo` : generated(80));
      const url = queueUrl(context.queueUrlBase, name);
      return made(url, { Arn: arn('sqs', name), QueueName: name, QueueUrl: url });
    }
    case 'AWS::DynamoDB::Table': {
      const name = explicit('TableName') ?? generated(255);
      const tableArn = arn('dynamodb', `table/${name}`);
      return made(name, { Arn: tableArn, StreamArn: `${tableArn}/stream/1970-01-01T00:00:00.000` });
    }
    case 'AWS::Lambda::Function': {
      const name = explicit('FunctionName') ?? generated(64);
      return made(name, { Arn: arn('lambda', `function:${name}`) });
    }
    case 'AWS::Lambda::Version': {
      // Lambda numbers a function's versions 1, 2, … as they are published: here, in template order.
      const functionName = parseFunctionName(explicit('FunctionName') ?? '').name;
      const version = String(versionNumber(logicalId, functionName, context));
      const versionArn = arn('lambda', `function:${functionName}:${version}`);
      return made(versionArn, { Version: version, FunctionArn: versionArn });
    }
    case 'AWS::Lambda::Alias': {
      const aliasArn = arn('lambda', `function:${parseFunctionName(explicit('FunctionName') ?? '').name}:${explicit('Name') ?? logicalId}`);
      return made(aliasArn, { AliasArn: aliasArn });
    }
    case 'AWS::Lambda::EventSourceMapping':
      return made(stableUuid(stackName, logicalId), { Id: stableUuid(stackName, logicalId) });
    case 'AWS::SecretsManager::Secret': {
      const name = explicit('Name') ?? `${logicalId}-${stableId(stackName, logicalId, 12)}`;
      // Secrets Manager appends a dash and six random characters to every secret's ARN.
      const secretArn = arn('secretsmanager', `secret:${name}-${stableId(stackName, `${logicalId}/arn`, 6)}`);
      return made(secretArn, { Id: secretArn });
    }
    case 'AWS::IAM::Role': {
      const name = explicit('RoleName') ?? generated(64);
      const path = explicit('Path') ?? '/';
      return made(name, { Arn: arn('iam', `role${path}${name}`, false), RoleId: `AROA${stableId(stackName, logicalId, 17).toUpperCase()}` });
    }
    case 'AWS::IAM::ManagedPolicy': {
      const name = explicit('ManagedPolicyName') ?? generated(128);
      const policyArn = arn('iam', `policy/${name}`, false);
      return made(policyArn, { PolicyArn: policyArn });
    }
    case 'AWS::IAM::Policy':
      return made(stableId(stackName, logicalId, 21));
    case 'AWS::Logs::LogGroup': {
      const name = explicit('LogGroupName') ?? generated(512);
      return made(name, { Arn: arn('logs', `log-group:${name}:*`) });
    }
    case 'AWS::Events::Rule': {
      const name = explicit('Name') ?? generated(64);
      return made(name, { Arn: arn('events', `rule/${name}`) });
    }
    case 'AWS::ApiGateway::RestApi':
      return made(stableId(stackName, logicalId, 10), { RestApiId: stableId(stackName, logicalId, 10), RootResourceId: stableId(stackName, `${logicalId}/root`, 10) });
    case 'AWS::ApiGateway::Stage':
      return made(explicit('StageName') ?? generated(128));
    case 'AWS::ApiGateway::Resource':
      return made(stableId(stackName, logicalId, 6), { ResourceId: stableId(stackName, logicalId, 6) });
    case 'AWS::ApiGateway::Deployment':
    case 'AWS::ApiGateway::Method':
    case 'AWS::ApiGateway::UsagePlan':
    case 'AWS::ApiGateway::Model':
    case 'AWS::ApiGateway::RequestValidator':
      return made(stableId(stackName, logicalId, 10));
    case 'AWS::ApiGateway::ApiKey':
      return made(stableId(stackName, logicalId, 10), { APIKeyId: stableId(stackName, logicalId, 10) });
    default:
      return undefined;
  }
}

/** The 1-based position of a version among the existing versions of the same function, in template order. */
function versionNumber(logicalId: string, functionName: string, context: NamingContext): number {
  let number = 0;
  for (const [id, resource] of context.existing()) {
    if (resource.Type !== 'AWS::Lambda::Version') continue;
    const name = id === logicalId ? functionName : parseFunctionName(resolveString(resource.Properties?.FunctionName ?? '', context.scope, context.unresolved)).name;
    if (name === functionName) number += 1;
    if (id === logicalId) return number;
  }
  return Math.max(1, number);
}

/** `<stack>-<logicalId>-<suffix>` cut to fit, as CloudFormation names resources it is not given names for. */
function generatedName(stackName: string, logicalId: string, maxLength: number): string {
  const suffix = stableId(stackName, logicalId, 12).toUpperCase();
  const room = Math.max(1, maxLength - suffix.length - 2);
  const base = `${stackName}-${logicalId}`.slice(0, room);
  return `${base}-${suffix}`;
}

/** Lowercase letters and digits derived from the stack and logical id: the same on every start. */
function stableId(stackName: string, key: string, length: number): string {
  const digest = createHash('sha256').update(`${stackName}/${key}`).digest();
  let id = '';
  for (const byte of digest) {
    if (id.length >= length) break;
    id += '0123456789abcdefghijklmnopqrstuvwxyz'[byte % 36];
  }
  return id;
}

function stableUuid(stackName: string, logicalId: string): string {
  const hex = createHash('sha256').update(`${stackName}/${logicalId}/uuid`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
