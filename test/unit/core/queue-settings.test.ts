import * as path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  DEAD_LETTER_RETENTION_HOURS as catalogDeadLetterHours,
  DEFAULT_FAILED_RETENTION_HOURS as catalogFailedHours,
  DEFAULT_MAX_PAYLOAD_BYTES as catalogMaxPayload,
  queueDefinitionSchema,
  queueDefinitionShape,
} from '../../../functions/core/queue-config';
import {
  DEAD_LETTER_RETENTION_HOURS,
  DEFAULT_FAILED_RETENTION_HOURS,
  DEFAULT_MAX_PAYLOAD_BYTES,
  queueSettingsFields,
} from '../../../functions/core/queue-settings';
import { queueSettingsSchema } from '../../../functions/core/runtime-config';
import * as z from '../../../functions/core/validation';
import { aQueueDefinitionInput } from '../../helpers/factories';

const core = path.resolve(__dirname, '../../../functions/core');

/** The `{ path, message }` of each problem `input` has against `schema`. */
function problemsOf(schema: z.core.$ZodType, input: unknown) {
  const result = z.safeParse(schema, input);
  return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

/** A minified bundle of `source` (an ES module under `functions/core`), as the functions are bundled, as text. */
async function bundleOf(source: string): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: core, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

describe('queue settings', () => {
  it('are the catalog entry fields themselves, the same schemas', () => {
    for (const [field, schema] of Object.entries(queueSettingsFields)) {
      expect(queueDefinitionShape.shape[field as keyof typeof queueDefinitionShape.shape], field).toBe(schema);
    }
    expect(Object.keys(queueSettingsSchema.shape)).toEqual([
      'name',
      'fifo',
      'dedup',
      'dedupKeyField',
      'lanes',
      'attempts',
      'maxPayloadBytes',
      'retention',
      'endpoints',
      'dataSchema',
    ]);
  });

  it('give the catalog constants, which the catalog module still exports', () => {
    expect([catalogMaxPayload, catalogDeadLetterHours, catalogFailedHours]).toEqual([256 * 1024, 14 * 24, 15 * 24]);
    expect([DEFAULT_MAX_PAYLOAD_BYTES, DEAD_LETTER_RETENTION_HOURS, DEFAULT_FAILED_RETENTION_HOURS]).toEqual([
      catalogMaxPayload,
      catalogDeadLetterHours,
      catalogFailedHours,
    ]);
  });

  it('fill the catalog defaults into a minimal entry', () => {
    expect(queueSettingsSchema.parse({ name: 'email', attempts: 3 })).toEqual({
      name: 'email',
      fifo: false,
      dedup: false,
      lanes: false,
      attempts: 3,
      maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES,
      retention: { completedHours: 24, failedHours: DEFAULT_FAILED_RETENTION_HOURS },
      endpoints: false,
    });
  });

  it('name each bad field with the catalog message', () => {
    // Prepare
    const bad = {
      name: 'Bad Name',
      fifo: 'yes',
      dedupKeyField: '1x',
      attempts: 0,
      maxPayloadBytes: 10_000_000,
      retention: { failedHours: 1 },
      endpoints: 1,
      dataSchema: 'nope',
    };

    // Act
    const settingsProblems = problemsOf(queueSettingsSchema, bad);
    const catalogProblems = problemsOf(queueDefinitionSchema, { ...aQueueDefinitionInput(), ...bad });

    // Assess
    expect(settingsProblems.map((problem) => problem.path)).toEqual([
      'name',
      'fifo',
      'dedupKeyField',
      'attempts',
      'maxPayloadBytes',
      'retention.failedHours',
      'endpoints',
      'dataSchema',
    ]);
    const byPath = (problems: { path: string }[]) => [...problems].sort((one, other) => one.path.localeCompare(other.path));
    expect(byPath(catalogProblems)).toEqual(byPath(settingsProblems));
  });

  it('refuse a field of another name, a catalog-only one included, as a catalog entry does', () => {
    // Act
    const unknown = problemsOf(queueSettingsSchema, { name: 'email', attempts: 3, atempts: 3 });
    const catalogOnly = problemsOf(queueSettingsSchema, { name: 'email', attempts: 3, concurrency: 5 });
    const notAnObject = problemsOf(queueSettingsSchema, 'email');

    // Assess
    const message = 'a catalog entry must be an object such as { name, concurrency, attempts, backoff, timeoutMs }';
    expect(unknown).toEqual([{ path: '', message }]);
    expect(catalogOnly).toEqual([{ path: '', message }]);
    expect(notAnObject).toEqual([{ path: '', message }]);
    expect(problemsOf(queueDefinitionSchema, { ...aQueueDefinitionInput(), atempts: 3 })).toEqual([{ path: '', message }]);
  });

  it('leave the rules that tie fields together to the catalog', () => {
    const entry = { name: 'email', attempts: 3, dedupKeyField: 'intentId', fifo: true, lanes: true };
    expect(problemsOf(queueSettingsSchema, entry)).toEqual([]);
    expect(problemsOf(queueDefinitionSchema, { ...aQueueDefinitionInput(), ...entry }).map((problem) => problem.path)).toEqual([
      'dedupKeyField',
      'lanes',
    ]);
  });
});

describe('a bundle of the runtime configuration', () => {
  // A message of a field only the catalog entry has, and one of a settings field.
  const catalogOnlyMessage = 'memoryMb must be at least 128';
  const settingsMessage = 'maxPayloadBytes must be at least 1024';

  it('leaves the catalog entry out of a function that reads only QUEUES', async () => {
    // Act
    const text = await bundleOf(
      "import { parseConfig, pipelineConfigSchema } from './runtime-config';\nexport const config = parseConfig(pipelineConfigSchema, process.env);",
    );

    // Assess
    expect(text).toContain(settingsMessage);
    expect(text).not.toContain(catalogOnlyMessage);
    expect(text).not.toContain('QUEUE_SETTINGS');
    expect(text).not.toContain('PARTNER_KEYS');
  });

  it("keeps it in the consumer's", async () => {
    // Act
    const text = await bundleOf(
      "import { consumerConfigWithSecretSchema, parseConfig } from './runtime-config';\nexport const config = parseConfig(consumerConfigWithSecretSchema, process.env);",
    );

    // Assess
    expect(text).toContain(catalogOnlyMessage);
    expect(text).toContain(settingsMessage);
  });
});
