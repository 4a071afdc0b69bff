import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataSchemaOf, isDataSchemaName } from '../../functions/core/data-schemas';
import * as z from '../../functions/core/validation';
import { catalog } from '../../lib/catalog';
import type { JsonSchema } from './json-schema-to-ts';
import { QUEUE_TYPES_PATH, renderQueueTypes, type QueueSchemaEntry } from './queue-types-file';

/**
 * Each catalog queue with the JSON Schema of its data schema's input (what a
 * producer sends), from the same zod schemas the ingest enforces.
 */
export function catalogQueueSchemas(): QueueSchemaEntry[] {
  return catalog.map((entry) => {
    const schemaName = (entry as { dataSchema?: string }).dataSchema;
    if (schemaName === undefined) return { queue: entry.name };
    if (!isDataSchemaName(schemaName)) throw new Error(`queue "${entry.name}" names data schema "${schemaName}", which functions/core/data-schemas does not have`);
    const jsonSchema = z.toJSONSchema(dataSchemaOf(schemaName), { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
    return { queue: entry.name, schemaName, jsonSchema };
  });
}

/** The generated file's text for the catalog as it is now. */
export function currentQueueTypes(): string {
  return renderQueueTypes(catalogQueueSchemas());
}

// `tsx client/scripts/generate-queue-types.ts [--check]`: writes the file, or with --check fails when it is stale.
const thisFile = fileURLToPath(import.meta.url);
if (process.argv[1] !== undefined && resolve(process.argv[1]) === thisFile) {
  const target = join(dirname(thisFile), '..', '..', QUEUE_TYPES_PATH);
  const text = currentQueueTypes();
  if (process.argv.includes('--check')) {
    if (readFileSync(target, 'utf8') !== text) {
      console.error(`${QUEUE_TYPES_PATH} is stale: run npm run build:client`);
      process.exit(1);
    }
  } else {
    writeFileSync(target, text);
    console.log(`wrote ${QUEUE_TYPES_PATH}`);
  }
}
