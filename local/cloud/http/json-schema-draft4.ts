/** A JSON Schema (draft 4) node, as an `AWS::ApiGateway::Model` holds one. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * Checks a JSON value against a draft-4 schema, as API Gateway's request
 * validator does for a model, and returns the problems in its words (empty
 * when the value is valid). Covers what request models use: `type` (with
 * `integer`), `enum`, `properties`, `required`, `additionalProperties`,
 * `patternProperties`, `items`, `minItems`/`maxItems`, `uniqueItems`,
 * `minLength`/`maxLength` (in characters), `pattern`, `minimum`/`maximum`
 * with draft 4's boolean `exclusiveMinimum`/`exclusiveMaximum`, `multipleOf`,
 * `min`/`maxProperties`, `allOf`/`anyOf`/`oneOf`/`not`, and `$ref` into the
 * schema's own `definitions`. `format` is not checked, as API Gateway does not.
 *
 * @example
 * validateDraft4({ type: 'object', required: ['data'] }, {}); // ['object has missing required properties (["data"])']
 */
export function validateDraft4(schema: JsonSchema, value: unknown): string[] {
  return check(schema, value, schema, '');
}

function check(schema: JsonSchema, value: unknown, root: JsonSchema, at: string): string[] {
  if (typeof schema.$ref === 'string') return check(resolveRef(schema.$ref, root), value, root, at);
  const where = at === '' ? '' : `${at}: `;
  const problems: string[] = [];
  const fail = (message: string): void => {
    problems.push(`${where}${message}`);
  };

  const types = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? (schema.type as string[]) : undefined;
  if (types !== undefined && !types.some((type) => isType(value, type))) {
    fail(`instance type (${typeOf(value)}) does not match any allowed primitive type (allowed: ${JSON.stringify(types)})`);
    return problems;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => deepEqual(option, value))) {
    fail(`instance value (${JSON.stringify(value)}) not found in enum (possible values: ${JSON.stringify(schema.enum)})`);
  }
  if (typeof value === 'string') checkString(schema, value, fail);
  if (typeof value === 'number') checkNumber(schema, value, fail);
  if (Array.isArray(value)) problems.push(...checkArray(schema, value, root, at, fail));
  else if (isObject(value)) problems.push(...checkObject(schema, value, root, at, fail));

  for (const sub of list(schema.allOf)) problems.push(...check(sub, value, root, at));
  const anyOf = list(schema.anyOf);
  if (anyOf.length > 0 && !anyOf.some((sub) => check(sub, value, root, at).length === 0)) {
    fail(`instance failed to match at least one required schema among ${anyOf.length}`);
  }
  const oneOf = list(schema.oneOf);
  if (oneOf.length > 0) {
    const matched = oneOf.filter((sub) => check(sub, value, root, at).length === 0).length;
    if (matched !== 1) fail(`instance failed to match exactly one schema (matched ${matched} out of ${oneOf.length})`);
  }
  if (isObject(schema.not) && check(schema.not, value, root, at).length === 0) fail('instance matched a schema which it should not have');
  return problems;
}

function checkString(schema: JsonSchema, value: string, fail: (message: string) => void): void {
  const length = [...value].length;
  if (typeof schema.minLength === 'number' && length < schema.minLength) {
    fail(`string "${value}" is too short (length: ${length}, required minimum: ${schema.minLength})`);
  }
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) {
    fail(`string is too long (length: ${length}, maximum allowed: ${schema.maxLength})`);
  }
  if (typeof schema.pattern === 'string' && !regex(schema.pattern).test(value)) {
    fail(`ECMA 262 regex "${schema.pattern}" does not match input string "${value}"`);
  }
}

function checkNumber(schema: JsonSchema, value: number, fail: (message: string) => void): void {
  if (typeof schema.minimum === 'number') {
    const below = schema.exclusiveMinimum === true ? value <= schema.minimum : value < schema.minimum;
    if (below) fail(`numeric instance is lower than the required minimum (minimum: ${schema.minimum}, found: ${value})`);
  }
  if (typeof schema.maximum === 'number') {
    const above = schema.exclusiveMaximum === true ? value >= schema.maximum : value > schema.maximum;
    if (above) fail(`numeric instance is greater than the required maximum (maximum: ${schema.maximum}, found: ${value})`);
  }
  if (typeof schema.multipleOf === 'number' && schema.multipleOf > 0 && !Number.isInteger(value / schema.multipleOf)) {
    fail(`remainder of division is not zero (${value} / ${schema.multipleOf})`);
  }
}

function checkArray(schema: JsonSchema, value: readonly unknown[], root: JsonSchema, at: string, fail: (message: string) => void): string[] {
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
    fail(`array is too short: must have at least ${schema.minItems} elements but instance has ${value.length} elements`);
  }
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
    fail(`array is too long: must have at most ${schema.maxItems} elements but instance has ${value.length} elements`);
  }
  if (schema.uniqueItems === true && value.some((item, index) => value.findIndex((other) => deepEqual(other, item)) !== index)) {
    fail('array must not contain duplicate elements');
  }
  const problems: string[] = [];
  if (Array.isArray(schema.items)) {
    const tuple = schema.items as JsonSchema[];
    value.forEach((item, index) => {
      const sub = tuple[index] ?? (isObject(schema.additionalItems) ? schema.additionalItems : undefined);
      if (sub !== undefined) problems.push(...check(sub, item, root, `${at}/${index}`));
      else if (schema.additionalItems === false && index >= tuple.length) problems.push(`${at}/${index}: additional items are not allowed`);
    });
  } else if (isObject(schema.items)) {
    const items = schema.items;
    value.forEach((item, index) => problems.push(...check(items, item, root, `${at}/${index}`)));
  }
  return problems;
}

function checkObject(schema: JsonSchema, value: Readonly<Record<string, unknown>>, root: JsonSchema, at: string, fail: (message: string) => void): string[] {
  const keys = Object.keys(value);
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const missing = required.filter((name) => !(name in value));
  if (missing.length > 0) fail(`object has missing required properties (${JSON.stringify(missing)})`);
  if (typeof schema.minProperties === 'number' && keys.length < schema.minProperties) fail(`object has too few properties (found ${keys.length}, minimum ${schema.minProperties})`);
  if (typeof schema.maxProperties === 'number' && keys.length > schema.maxProperties) fail(`object has too many properties (found ${keys.length}, maximum ${schema.maxProperties})`);

  const properties = isObject(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
  const patterns = Object.entries(isObject(schema.patternProperties) ? (schema.patternProperties as Record<string, JsonSchema>) : {});
  const problems: string[] = [];
  const unwanted: string[] = [];
  for (const key of keys) {
    const own = properties[key];
    const byPattern = patterns.filter(([pattern]) => regex(pattern).test(key));
    if (own !== undefined) problems.push(...check(own, value[key], root, `${at}/${key}`));
    for (const [, sub] of byPattern) problems.push(...check(sub, value[key], root, `${at}/${key}`));
    if (own !== undefined || byPattern.length > 0) continue;
    if (schema.additionalProperties === false) unwanted.push(key);
    else if (isObject(schema.additionalProperties)) problems.push(...check(schema.additionalProperties, value[key], root, `${at}/${key}`));
  }
  if (unwanted.length > 0) {
    fail(`object instance has properties which are not allowed by the schema: ${JSON.stringify(unwanted.sort())}`);
  }
  return problems;
}

const compiled = new Map<string, RegExp>();

/** An ECMA 262 pattern, with Unicode semantics where the pattern allows them. */
function regex(pattern: string): RegExp {
  let found = compiled.get(pattern);
  if (found === undefined) {
    try {
      found = new RegExp(pattern, 'u');
    } catch {
      // Some patterns escape characters Unicode mode refuses to see escaped; without it they still mean the same.
      found = new RegExp(pattern);
    }
    compiled.set(pattern, found);
  }
  return found;
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema {
  if (ref === '#') return root;
  const match = /^#\/(.+)$/.exec(ref);
  if (!match) throw new Error(`only local references (#/definitions/...) are supported in request models, not ${ref}`);
  let node: unknown = root;
  for (const part of (match[1] ?? '').split('/')) {
    const key = part.replaceAll('~1', '/').replaceAll('~0', '~');
    node = isObject(node) ? node[key] : undefined;
  }
  if (!isObject(node)) throw new Error(`the request model's reference ${ref} leads nowhere`);
  return node;
}

function isType(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return typeof value === type;
  }
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): JsonSchema[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function deepEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left) && Array.isArray(right)) return left.length === right.length && left.every((item, index) => deepEqual(item, right[index]));
  if (isObject(left) && isObject(right)) {
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length && keys.every((key) => key in right && deepEqual(left[key], right[key]));
  }
  return false;
}
