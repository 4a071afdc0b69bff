/**
 * What CloudFormation's intrinsics are resolved over in the local cloud: the
 * pseudo parameters, each logical id's local values, and the placeholder that
 * stands in for what has no local value. Types and small helpers only.
 */

/** The pseudo parameters' values in the local cloud's one region and account. */
export interface PseudoParameters {
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly urlSuffix: string;
  readonly stackName: string;
  readonly stackId: string;
}

/** What a logical id stands for locally: its `Ref` value and its `Fn::GetAtt` attributes. */
export interface LocalResource {
  readonly type: string;
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** Everything an intrinsic may refer to. */
export interface ResolveScope {
  readonly pseudo: PseudoParameters;
  /** The local values of a logical id, or undefined when the resource is not emulated or not there. */
  resource(logicalId: string): LocalResource | undefined;
  /** The template's resource type of a logical id, for messages about what was not resolved. */
  typeOf(logicalId: string): string | undefined;
  /** Parameter values (the template's defaults). */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** The template's `Conditions` section, evaluated on demand. */
  readonly conditions?: Readonly<Record<string, unknown>>;
  /** The template's `Mappings` section. */
  readonly mappings?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
}

/** A reference the local cloud has no value for, and why. */
export interface UnresolvedReference {
  /** E.g. `Fn::GetAtt Backlog7AD37F26.Arn`. */
  readonly reference: string;
  /** E.g. `AWS::CloudWatch::Alarm is not emulated`. */
  readonly reason: string;
}

/** Values that stand in for what could not be resolved start with this. */
export const PLACEHOLDER_PREFIX = 'unresolved:';

/** Whether a resolved string is, or contains, a placeholder for an unresolved reference. */
export function hasPlaceholder(value: string): boolean {
  return value.includes(PLACEHOLDER_PREFIX);
}

/** Thrown for a template that is malformed, not merely unresolvable. */
export class IntrinsicError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntrinsicError';
  }
}

