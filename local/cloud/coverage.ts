import type { UnresolvedReference } from './intrinsics';
import { countByType, type CfnTemplate } from './template';

/**
 * Resource types the local cloud runs. API Gateway's deployment is implied by
 * serving the stage; request validators check bodies only (not parameters); a log group is where a function's output goes, which
 * here is the console, each line prefixed with the function's name.
 */
export const EMULATED_TYPES: ReadonlySet<string> = new Set([
  'AWS::Lambda::Function',
  'AWS::Lambda::EventSourceMapping',
  // A version and an alias run the function's one bundle; an alias is invoked through its qualifier and holds the provisioned concurrency.
  'AWS::Lambda::Version',
  'AWS::Lambda::Alias',
  'AWS::SQS::Queue',
  'AWS::DynamoDB::Table',
  'AWS::SecretsManager::Secret',
  'AWS::Events::Rule',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::ApiKey',
  'AWS::ApiGateway::UsagePlan',
  'AWS::ApiGateway::UsagePlanKey',
  'AWS::ApiGateway::GatewayResponse',
  'AWS::ApiGateway::Model',
  'AWS::ApiGateway::RequestValidator',
  'AWS::Logs::LogGroup',
]);

/** CDK's own bookkeeping, not part of the app. */
const IGNORED_TYPES: ReadonlySet<string> = new Set(['AWS::CDK::Metadata']);

/**
 * The resource types of `template` the local cloud does not run, with how many
 * of each, the most numerous first.
 *
 * @example
 * notEmulated(template); // [['AWS::IAM::Role', 20], ['AWS::CloudWatch::Alarm', 14]]
 */
export function notEmulated(template: CfnTemplate): [string, number][] {
  return [...countByType(template)]
    .filter(([type]) => !EMULATED_TYPES.has(type) && !IGNORED_TYPES.has(type))
    .sort(([typeA, countA], [typeB, countB]) => countB - countA || typeA.localeCompare(typeB));
}

/**
 * One line for the start-up log, e.g.
 * `not emulated: AWS::IAM::Role ×20, AWS::CloudWatch::Alarm ×14`, or undefined when everything is.
 */
export function notEmulatedLine(template: CfnTemplate): string | undefined {
  const types = notEmulated(template);
  if (types.length === 0) return undefined;
  return `not emulated: ${types.map(([type, count]) => `${type} ×${count}`).join(', ')}`;
}

/** What the local cloud could not run or resolve, gathered while it started. */
export interface StartGaps {
  readonly template: CfnTemplate;
  /** Queue attributes the SQS emulator refused, with how many queues asked for each. */
  readonly skippedAttributes: ReadonlyMap<string, number>;
  /** Table properties with no local effect (one entry per table that sets one). */
  readonly ignoredTableProperties: readonly string[];
  /** Routes, keys, mappings and schedules that are not served, each with why. */
  readonly skipped: readonly string[];
  readonly unresolved: readonly UnresolvedReference[];
  /** `<function>.<VARIABLE>` for each environment variable holding a placeholder. */
  readonly placeholdersIn: readonly string[];
}

/**
 * Logs, once at start-up, what the template declares and the local cloud does
 * not run, skips or could not resolve: one line per kind, so nothing is
 * dropped silently and the log stays short.
 *
 * @example
 * reportGaps(console.log, { template, skippedAttributes, ignoredTableProperties, skipped, unresolved, placeholdersIn });
 */
export function reportGaps(log: (line: string) => void, gaps: StartGaps): void {
  const counted = (names: Iterable<[string, number]>): string => [...names].map(([name, count]) => `${name} ×${count}`).join(', ');
  const line = notEmulatedLine(gaps.template);
  if (line !== undefined) log(line);
  if (gaps.skippedAttributes.size > 0) log(`queue attributes the SQS emulator does not take (skipped): ${counted(gaps.skippedAttributes)}`);
  if (gaps.ignoredTableProperties.length > 0) {
    const counts = new Map<string, number>();
    for (const property of gaps.ignoredTableProperties) counts.set(property, (counts.get(property) ?? 0) + 1);
    log(`table settings with no local effect: ${counted(counts)}`);
  }
  for (const skipped of gaps.skipped) log(`not served: ${skipped}`);
  if (gaps.placeholdersIn.length > 0) {
    const reasons = [...new Set(gaps.unresolved.map((reference) => `${reference.reference} (${reference.reason})`))];
    log(`unresolved in function environments: ${gaps.placeholdersIn.join(', ')}; from ${reasons.join('; ')}`);
  }
}
