/**
 * A JSON Schema (the subset `z.toJSONSchema` writes: objects, arrays,
 * tuples, unions, enums, consts, `$ref`s into `$defs`) as a TypeScript type.
 * What it cannot say becomes `unknown`, never a wrong type.
 */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function indent(text: string, by: string): string {
  return text.replace(/\n/g, `\n${by}`);
}

function comment(description: unknown, pad: string): string {
  if (typeof description !== 'string' || description.trim() === '') return '';
  return `${pad}/** ${description.trim().replace(/\*\//g, '*\\/').replace(/\n/g, ' ')} */\n`;
}

/** Wraps a union or intersection in parentheses where it would bind wrongly (array element). */
function grouped(type: string): string {
  return /[|&]/.test(type) && !/^\{[\s\S]*\}$/.test(type) ? `(${type})` : type;
}

function union(types: string[]): string {
  const unique = [...new Set(types)];
  if (unique.includes('unknown')) return 'unknown';
  return unique.length === 0 ? 'never' : unique.join(' | ');
}

interface Context {
  readonly defs: Readonly<Record<string, JsonSchema>>;
  readonly resolving: readonly string[];
}

function refTarget(ref: string, context: Context): { name: string; schema: JsonSchema } | undefined {
  const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
  if (!match?.[1]) return undefined;
  const name = decodeURIComponent(match[1].replace(/~1/g, '/').replace(/~0/g, '~'));
  const schema = context.defs[name];
  return schema === undefined ? undefined : { name, schema };
}

function objectType(schema: Readonly<Record<string, unknown>>, context: Context): string {
  const properties = (schema.properties ?? {}) as Readonly<Record<string, JsonSchema>>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const lines = Object.entries(properties).map(([key, property]) => {
    const name = IDENTIFIER.test(key) ? key : JSON.stringify(key);
    const doc = typeof property === 'object' ? comment(property.description, '  ') : '';
    return `${doc}  ${name}${required.has(key) ? '' : '?'}: ${indent(typeOf(property, context), '  ')};`;
  });
  const extra = schema.additionalProperties;
  if (extra !== false) {
    const valueType = extra === undefined || extra === true ? 'unknown' : typeOf(extra as JsonSchema, context);
    // An index signature must admit every named property's type too.
    lines.push(`  [key: string]: ${lines.length > 0 ? 'unknown' : indent(valueType, '  ')};`);
  }
  return lines.length === 0 ? 'Record<string, never>' : `{\n${lines.join('\n')}\n}`;
}

function arrayType(schema: Readonly<Record<string, unknown>>, context: Context): string {
  if (Array.isArray(schema.prefixItems)) {
    const items = (schema.prefixItems as JsonSchema[]).map((item) => typeOf(item, context));
    const rest = schema.items === undefined || schema.items === false ? [] : [`...${grouped(typeOf(schema.items as JsonSchema, context))}[]`];
    return `[${[...items, ...rest].join(', ')}]`;
  }
  return `${grouped(schema.items === undefined ? 'unknown' : typeOf(schema.items as JsonSchema, context))}[]`;
}

const PRIMITIVES: Readonly<Record<string, string>> = { string: 'string', number: 'number', integer: 'number', boolean: 'boolean', null: 'null' };

function typeOf(schema: JsonSchema, context: Context): string {
  if (schema === true) return 'unknown';
  if (schema === false) return 'never';
  if (typeof schema.$ref === 'string') {
    const target = refTarget(schema.$ref, context);
    if (target === undefined || context.resolving.includes(target.name)) return 'unknown';
    return typeOf(target.schema, { ...context, resolving: [...context.resolving, target.name] });
  }
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return union(schema.enum.map((value) => JSON.stringify(value)));
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const options = schema[keyword];
    if (Array.isArray(options)) return union(options.map((option: JsonSchema) => typeOf(option, context)));
  }
  if (Array.isArray(schema.allOf)) return (schema.allOf as JsonSchema[]).map((part) => grouped(typeOf(part, context))).join(' & ');
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : [];
  if (types.length === 0) {
    if (schema.properties !== undefined) return objectType(schema, context);
    if (schema.items !== undefined || schema.prefixItems !== undefined) return arrayType(schema, context);
    return 'unknown';
  }
  return union(
    types.map((type) => {
      if (type === 'object') return objectType(schema, context);
      if (type === 'array') return arrayType(schema, context);
      return PRIMITIVES[type] ?? 'unknown';
    }),
  );
}

/**
 * The TypeScript type of a JSON Schema document (its `$defs` resolved).
 *
 * @example
 * jsonSchemaToTs({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false });
 * // '{\n  id: string;\n}'
 */
export function jsonSchemaToTs(schema: JsonSchema): string {
  const defs = typeof schema === 'object' ? ((schema.$defs ?? schema.definitions ?? {}) as Record<string, JsonSchema>) : {};
  return typeOf(schema, { defs, resolving: [] });
}
