/**
 * Lambda's `FunctionName` parameter, in every form Lambda takes it: a name,
 * `name:qualifier`, an ARN, a qualified ARN and a partial ARN
 * (`account:function:name`, maybe qualified). Pure: no I/O.
 */

/** A `FunctionName` value taken apart. */
export interface FunctionReference {
  /** The function's name, e.g. `jobs-consumer-email`. */
  readonly name: string;
  /** The alias or version after the name (`live`, `1`, `$LATEST`). @default - none: the unqualified function */
  readonly qualifier?: string;
  /** The account, when the value is an ARN or a partial ARN. @default - none given */
  readonly account?: string;
  /** The region, when the value is an ARN. @default - none given */
  readonly region?: string;
}

/**
 * Takes a `FunctionName` value apart, as Lambda reads it in
 * CreateEventSourceMapping, Invoke and ListEventSourceMappings.
 *
 * @example
 * parseFunctionName('arn:aws:lambda:us-east-1:000000000000:function:consumer:live');
 * // { name: 'consumer', qualifier: 'live', account: '000000000000', region: 'us-east-1' }
 * parseFunctionName('consumer:live'); // { name: 'consumer', qualifier: 'live' }
 * parseFunctionName('000000000000:function:consumer'); // { name: 'consumer', account: '000000000000' }
 */
export function parseFunctionName(value: string): FunctionReference {
  const parts = value.split(':');
  if (parts[0] === 'arn' && parts[5] === 'function') {
    return withQualifier({ name: parts[6] ?? '', account: parts[4] ?? '', region: parts[3] ?? '' }, parts[7]);
  }
  if (parts[1] === 'function') return withQualifier({ name: parts[2] ?? '', account: parts[0] ?? '' }, parts[3]);
  return withQualifier({ name: parts[0] ?? '' }, parts[1]);
}

/** The ARN Lambda reports for a function invoked or mapped through `qualifier`: the function's ARN, plus `:qualifier` when there is one. */
export function qualifiedArn(functionArn: string, qualifier: string | undefined): string {
  return qualifier === undefined ? functionArn : `${functionArn}:${qualifier}`;
}

/** `name` or `name:qualifier`, for log lines. */
export function qualifiedName(name: string, qualifier: string | undefined): string {
  return qualifier === undefined ? name : `${name}:${qualifier}`;
}

function withQualifier(reference: FunctionReference, qualifier: string | undefined): FunctionReference {
  return qualifier === undefined || qualifier === '' ? reference : { ...reference, qualifier };
}

/** What an invocation through a qualifier runs as: the ARN the handler sees as `invokedFunctionArn`, and the version. */
export interface InvocationTarget {
  readonly invokedFunctionArn: string;
  readonly functionVersion: string;
}

/**
 * The target of an invocation of the function at `functionArn` through
 * `qualifier`: unqualified and `$LATEST` run `$LATEST`; an alias or a
 * published version (a key of `qualifiers`) runs the version it names.
 * Undefined for a qualifier the function does not have (Lambda answers
 * `ResourceNotFoundException`).
 *
 * @example
 * invocationTarget(arn, { live: '1' }, 'live'); // { invokedFunctionArn: `${arn}:live`, functionVersion: '1' }
 */
export function invocationTarget(
  functionArn: string,
  qualifiers: Readonly<Record<string, string>>,
  qualifier: string | undefined,
): InvocationTarget | undefined {
  if (qualifier === undefined) return { invokedFunctionArn: functionArn, functionVersion: '$LATEST' };
  const version = qualifier === '$LATEST' ? '$LATEST' : Object.hasOwn(qualifiers, qualifier) ? qualifiers[qualifier] : undefined;
  return version === undefined ? undefined : { invokedFunctionArn: qualifiedArn(functionArn, qualifier), functionVersion: version };
}
