import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { QueueDefinitionInput } from '../../functions/core/queue-config';
import { PipelineStack } from '../../lib/pipeline-stack';

/** The feature flags and defaults of `cdk.json`, so tests build what `cdk synth` builds. */
export const CDK_JSON_CONTEXT: Readonly<Record<string, unknown>> = (
  JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

/** Context every test stack gets unless it says otherwise: a target for every queue. */
export const TEST_CONTEXT = { defaultTarget: 'https://processor.example.com/jobs' } as const;

/**
 * An app like `bin/app.ts`'s, with bundling skipped and CDK's built-in
 * CloudFormation validation off (its WebAssembly engine costs seconds per
 * process; the bundling test keeps it on, as `cdk synth` does).
 */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({
    builtinCloudFormationValidation: false,
    context: {
      ...CDK_JSON_CONTEXT,
      'aws:cdk:bundling-stacks': [],
      // Construct paths on every resource, as the CLI adds them: tests find resources by path.
      'aws:cdk:enable-path-metadata': true,
      ...context,
    },
  });
}

/** A bare stack for one construct's tests. */
export function testStack(context: Record<string, unknown> = {}): Stack {
  return new Stack(testApp(context), 'Test');
}

/** The pipeline stack and its template, built from `context` (with a default target) and a catalog. */
export function synthPipeline(
  options: { readonly context?: Record<string, unknown>; readonly catalog?: readonly QueueDefinitionInput[] } = {},
): { stack: PipelineStack; template: Template } {
  const app = testApp({ ...TEST_CONTEXT, ...options.context });
  const stack = new PipelineStack(app, 'JobPipeline', { catalog: options.catalog });
  return { stack, template: Template.fromStack(stack) };
}

/** A CloudFormation resource as the template holds it. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DependsOn?: string[];
}

/** Resources of a type, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, TemplateResource> {
  return template.findResources(type) as Record<string, TemplateResource>;
}

/** The construct path CDK records on a resource. */
export function pathOf(resource: TemplateResource): string {
  return String(resource.Metadata?.['aws:cdk:path'] ?? '');
}

/** The one resource of a type whose construct path starts with `prefix`; fails when there is not exactly one. */
export function resourceAt(template: Template, type: string, prefix: string): [string, TemplateResource] {
  const matches = Object.entries(resourcesOf(template, type)).filter(([, resource]) => pathOf(resource).startsWith(prefix));
  if (matches.length !== 1) {
    throw new Error(`expected one ${type} under ${prefix}, found ${matches.length}: ${matches.map(([id]) => id).join(', ')}`);
  }
  return matches[0] as [string, TemplateResource];
}

/** Values a deployed stack would give the pseudo parameters. */
const PSEUDO: Readonly<Record<string, string>> = {
  'AWS::Region': 'eu-west-1',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws',
  'AWS::StackName': 'JobPipeline-dev',
};

/**
 * Resolves a template value the way a deployment would, with made-up but
 * well-formed values: `Ref` of a resource gives `<logicalId>-ref` (an ARN for
 * secrets), `Fn::GetAtt` an ARN, `Fn::Join` joins.
 */
export function resolveFake(value: unknown, resources: Readonly<Record<string, TemplateResource>>): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null) {
    const node = value as Record<string, unknown>;
    if (typeof node.Ref === 'string') {
      if (PSEUDO[node.Ref]) return PSEUDO[node.Ref] ?? '';
      const type = resources[node.Ref]?.Type;
      if (type === 'AWS::SecretsManager::Secret') return `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${node.Ref}-AbCdEf`;
      return `${node.Ref}-ref`;
    }
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `arn:aws:fake:eu-west-1:123456789012:${String(getAtt[0])}`;
    const join = node['Fn::Join'];
    if (Array.isArray(join)) {
      const [separator, parts] = join as [string, unknown[]];
      return parts.map((part) => resolveFake(part, resources)).join(separator);
    }
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/** A function's environment variables, resolved with {@link resolveFake}. */
export function environmentOf(
  template: Template | { readonly Resources: Readonly<Record<string, TemplateResource>> },
  functionResource: TemplateResource,
): Record<string, string> {
  const resources = template instanceof Template ? (template.toJSON() as { Resources: Record<string, TemplateResource> }).Resources : template.Resources;
  const variables = ((functionResource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
    {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, resolveFake(value, resources)]));
}

/** IAM policy statements as the template holds them. */
export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/**
 * Every statement of the policies attached to a role (by the role's logical id):
 * its inline policies and the overflow managed policies CDK splits a large one into.
 */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  return [...Object.values(resourcesOf(template, 'AWS::IAM::Policy')), ...Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy'))]
    .filter((policy) => JSON.stringify(policy.Properties?.Roles ?? []).includes(`"${roleLogicalId}"`))
    .flatMap((policy) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** A statement's actions as a list. */
export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** A statement's resources as a list. */
export function resourceListOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** The logical id a `Ref` or `Fn::GetAtt` (or a `Fn::Join` starting with one) points at, if any. */
export function referencedId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const node = value as Record<string, unknown>;
  if (typeof node.Ref === 'string') return node.Ref;
  const getAtt = node['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return String(getAtt[0]);
  const join = node['Fn::Join'];
  if (Array.isArray(join)) return referencedId((join[1] as unknown[])[0]);
  return undefined;
}
