import { parseFunctionName } from '../function-names';

/** An event source mapping's state in Lambda's words. */
export type MappingStateName = 'Enabled' | 'Disabled' | 'Enabling' | 'Disabling' | 'Updating' | 'Creating' | 'Deleting';

/** One event source mapping as the local cloud runs it. */
export interface MappingState {
  uuid: string;
  /** The function's name, without a qualifier. */
  functionName: string;
  /** The function's ARN as Lambda reports `FunctionArn`: qualified (`…:function:<name>:live`) when the mapping invokes an alias or a version. */
  functionArn: string;
  eventSourceArn: string;
  enabled: boolean;
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  /** `ScalingConfig.MaximumConcurrency`. @default - not set */
  maximumConcurrency?: number;
  reportBatchItemFailures: boolean;
  lastModified: Date;
  /** Lambda's state, when the registry tracks transitions. @default - `Enabled` or `Disabled` from `enabled` */
  state?: MappingStateName;
}

/** A change to a mapping, as `UpdateEventSourceMapping` asks for it. */
export interface MappingChange {
  enabled?: boolean;
  batchSize?: number;
  maximumBatchingWindowInSeconds?: number;
  maximumConcurrency?: number;
}

/** Lambda's `EventSourceMappingConfiguration` JSON. */
export type MappingJson = Record<string, unknown>;

/**
 * A mapping in the shape Lambda's REST API answers with (timestamps in epoch
 * seconds, as its JSON protocol writes them). `state` overrides the stored
 * state: an update answers with the transition (`Enabling`, `Disabling`,
 * `Updating`), as Lambda does, while reads show where it settled.
 */
export function mappingJson(mapping: MappingState, state?: MappingStateName): MappingJson {
  const [, , , region, account] = mapping.functionArn.split(':');
  return {
    UUID: mapping.uuid,
    BatchSize: mapping.batchSize,
    MaximumBatchingWindowInSeconds: mapping.maximumBatchingWindowInSeconds,
    EventSourceArn: mapping.eventSourceArn,
    FunctionArn: mapping.functionArn,
    LastModified: mapping.lastModified.getTime() / 1000,
    State: state ?? mapping.state ?? (mapping.enabled ? 'Enabled' : 'Disabled'),
    StateTransitionReason: 'USER_INITIATED',
    ...(mapping.maximumConcurrency === undefined ? {} : { ScalingConfig: { MaximumConcurrency: mapping.maximumConcurrency } }),
    FunctionResponseTypes: mapping.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
    EventSourceMappingArn: `arn:aws:lambda:${region ?? ''}:${account ?? ''}:event-source-mapping:${mapping.uuid}`,
  };
}

/** The state Lambda reports right after an update: the way the change is heading. */
export function transitionState(before: MappingState, change: MappingChange): MappingStateName {
  if (change.enabled === true && !before.enabled) return 'Enabling';
  if (change.enabled === false && before.enabled) return 'Disabling';
  return 'Updating';
}

/** The alias or version a mapping invokes (`live`), or undefined when it invokes the unqualified function. */
export function mappingQualifier(mapping: MappingState): string | undefined {
  return parseFunctionName(mapping.functionArn).qualifier;
}

/**
 * Whether a `FunctionName` filter (a name, `name:qualifier`, a partial
 * `account:function:name` or an ARN, each maybe qualified) names this
 * mapping's function and qualifier. The rule is strict: a qualified filter
 * (`name:live`, an alias ARN) matches only the mappings on that alias, and an
 * unqualified one only the mappings on the unqualified function. Whether
 * Lambda also lists an alias's mappings for an unqualified filter is not
 * settled here; the strict rule makes code that lists by the wrong name find
 * nothing locally, rather than work here and miss mappings on AWS.
 */
export function namesFunction(filter: string, mapping: MappingState): boolean {
  const wanted = parseFunctionName(filter);
  const own = parseFunctionName(mapping.functionArn);
  return (
    wanted.name === mapping.functionName &&
    wanted.qualifier === own.qualifier &&
    (wanted.account === undefined || wanted.account === own.account) &&
    (wanted.region === undefined || wanted.region === own.region)
  );
}

/** The function name in a `FunctionName` value: the name itself, or the part after `function:` in an ARN. */
export function functionNameOf(filter: string): string {
  const parts = filter.split(':');
  const at = parts.indexOf('function');
  return at >= 0 ? (parts[at + 1] ?? filter) : filter;
}

/** A request field that breaks Lambda's constraints, in the words of its validation errors. */
export class MappingValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MappingValidationError';
  }
}

/** Fields of an update request the local cloud applies; any other is refused rather than ignored. */
const UPDATABLE = new Set(['UUID', 'FunctionName', 'Enabled', 'BatchSize', 'MaximumBatchingWindowInSeconds', 'ScalingConfig']);

/**
 * The change an `UpdateEventSourceMapping` body asks for, checked against
 * Lambda's ranges (batch 1–10,000, window 0–300 s, concurrency 2–1,000).
 * Throws {@link MappingValidationError} on a bad value or a field the local
 * cloud does not apply.
 */
export function parseMappingChange(body: unknown): MappingChange {
  const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const unsupported = Object.keys(fields).filter((key) => !UPDATABLE.has(key));
  if (unsupported.length > 0) {
    throw new MappingValidationError(`The local cloud does not apply ${unsupported.join(', ')} to event source mappings.`);
  }
  const change: MappingChange = {};
  if (fields.Enabled !== undefined) {
    if (typeof fields.Enabled !== 'boolean') throw new MappingValidationError('Enabled must be a boolean.');
    change.enabled = fields.Enabled;
  }
  const batchSize = ranged(fields.BatchSize, 'batchSize', 1, 10_000);
  if (batchSize !== undefined) change.batchSize = batchSize;
  const window = ranged(fields.MaximumBatchingWindowInSeconds, 'maximumBatchingWindowInSeconds', 0, 300);
  if (window !== undefined) change.maximumBatchingWindowInSeconds = window;
  const scaling = fields.ScalingConfig;
  if (scaling !== undefined) {
    const concurrency = typeof scaling === 'object' && scaling !== null ? (scaling as Record<string, unknown>).MaximumConcurrency : undefined;
    const value = ranged(concurrency, 'scalingConfig.maximumConcurrency', 2, 1_000);
    if (value !== undefined) change.maximumConcurrency = value;
  }
  return change;
}

function ranged(value: unknown, member: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new MappingValidationError(`1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must be an integer`);
  }
  if (value < min) {
    throw new MappingValidationError(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`);
  }
  if (value > max) {
    throw new MappingValidationError(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
  }
  return value;
}
