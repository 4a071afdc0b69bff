import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogQueueSchemas, currentQueueTypes } from '../../../client/scripts/generate-queue-types';
import { jsonSchemaToTs } from '../../../client/scripts/json-schema-to-ts';
import { QUEUE_TYPES_PATH, renderQueueTypes } from '../../../client/scripts/queue-types-file';
import { catalog } from '../../../lib/catalog';

const ROOT = join(__dirname, '..', '..', '..');

describe('client/src/queue-types.ts', () => {
  it('is what the generator writes for the catalog and its data schemas now (run npm run build:client when this fails)', () => {
    // Act
    const checkedIn = readFileSync(join(ROOT, QUEUE_TYPES_PATH), 'utf8');

    // Assess
    expect(checkedIn).toBe(currentQueueTypes());
  });

  it('has every catalog queue, typed by its data schema when the catalog gives one', () => {
    // Act
    const entries = catalogQueueSchemas();

    // Assess
    expect(entries.map((entry) => entry.queue)).toEqual(catalog.map((entry) => entry.name));
    for (const entry of catalog) {
      const schemaName = (entry as { dataSchema?: string }).dataSchema;
      expect(entries.find((candidate) => candidate.queue === entry.name)?.schemaName).toBe(schemaName);
    }
    expect(renderQueueTypes([{ queue: 'plain' }, { queue: 'with-dash', schemaName: 's', jsonSchema: { type: 'string' } }])).toContain(
      '  plain: unknown;\n  /** `with-dash`: data schema `s`. */\n  "with-dash": string;',
    );
  });
});

describe('JSON Schema to a TypeScript type', () => {
  it('writes objects with required and optional properties, and an index signature when extra fields are allowed', () => {
    // Act
    const closed = jsonSchemaToTs({ type: 'object', properties: { id: { type: 'string' }, n: { type: 'integer' } }, required: ['id'], additionalProperties: false });
    const open = jsonSchemaToTs({ type: 'object', properties: { 'a-b': { type: 'boolean', description: 'a flag' } } });

    // Assess
    expect(closed).toBe('{\n  id: string;\n  n?: number;\n}');
    expect(open).toBe('{\n  /** a flag */\n  "a-b"?: boolean;\n  [key: string]: unknown;\n}');
  });

  it('writes enums, consts, unions, nullable types, arrays and tuples', () => {
    expect(jsonSchemaToTs({ type: 'string', enum: ['csv', 'json'] })).toBe('"csv" | "json"');
    expect(jsonSchemaToTs({ const: 3 })).toBe('3');
    expect(jsonSchemaToTs({ anyOf: [{ type: 'string' }, { type: 'null' }] })).toBe('string | null');
    expect(jsonSchemaToTs({ type: ['number', 'null'] })).toBe('number | null');
    expect(jsonSchemaToTs({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } })).toBe('(string | number)[]');
    expect(jsonSchemaToTs({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] })).toBe('[string, number]');
    expect(jsonSchemaToTs({ type: 'object', additionalProperties: { type: 'number' } })).toBe('{\n  [key: string]: number;\n}');
  });

  it('resolves $refs into $defs, and says unknown for what it cannot say (a cycle, an empty schema)', () => {
    // Prepare
    const schema = {
      $defs: { money: { type: 'number' }, node: { type: 'object', properties: { next: { $ref: '#/$defs/node' } }, additionalProperties: false } },
      type: 'object',
      properties: { amount: { $ref: '#/$defs/money' }, list: { $ref: '#/$defs/node' }, anything: {} },
      required: ['amount'],
      additionalProperties: false,
    };

    // Act
    const type = jsonSchemaToTs(schema);

    // Assess
    expect(type).toBe('{\n  amount: number;\n  list?: {\n    next?: unknown;\n  };\n  anything?: unknown;\n}');
  });
});
