import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The project root. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');

/** What the end-to-end copy changes in `lib/catalog.ts`: one entry's attempts. */
export const CATALOG_EDIT = { queue: 'manychat-sync', attempts: 2 } as const;

/**
 * A copy of the project (its CDK app and functions, `node_modules` linked) whose
 * `lib/catalog.ts` has one edit, and nothing else: synthesizing and running the
 * copy shows that a catalog change reaches the local run with no other edit.
 */
export function projectWithCatalogEdit(): string {
  const copy = projectCopy();
  const catalogPath = join(copy, 'lib', 'catalog.ts');
  const catalog = readFileSync(catalogPath, 'utf8');
  const entry = new RegExp(`(name: '${CATALOG_EDIT.queue}',[\\s\\S]*?attempts: )(\\d+)`);
  if (!entry.test(catalog)) throw new Error(`catalog entry ${CATALOG_EDIT.queue} has no attempts to edit`);
  writeFileSync(catalogPath, catalog.replace(entry, `$1${CATALOG_EDIT.attempts}`));
  return copy;
}

/** A copy of the project's CDK app and functions, `node_modules` linked. */
function projectCopy(): string {
  const copy = mkdtempSync(join(tmpdir(), 'pipeline-e2e-'));
  for (const entry of ['bin', 'lib', 'functions', 'cdk.json', 'package.json', 'package-lock.json', 'tsconfig.json']) {
    cpSync(join(PROJECT_ROOT, entry), join(copy, entry), { recursive: true });
  }
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  return copy;
}

/** Catalog fields to change, by queue name (merged over each entry as listed). */
export type CatalogOverrides = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/**
 * A copy of the project whose catalog is the listed one with `overrides`
 * merged over its entries (e.g. a shorter timeout or backoff for tests that
 * must fit in minutes), and nothing else changed. The catalog's own checks
 * still run on the merged entries when the copy is synthesized.
 *
 * @example
 * const copy = projectWithCatalogOverrides({ email: { timeoutMs: 10_000 } });
 */
export function projectWithCatalogOverrides(overrides: CatalogOverrides): string {
  const copy = projectCopy();
  const catalogPath = join(copy, 'lib', 'catalog.ts');
  const catalog = readFileSync(catalogPath, 'utf8');
  const declaration = 'export const catalog: readonly QueueDefinitionInput[] = [';
  if (!catalog.includes(declaration)) throw new Error(`lib/catalog.ts no longer declares "${declaration}"; update projectWithCatalogOverrides`);
  writeFileSync(
    catalogPath,
    `${catalog.replace(declaration, 'const listedCatalog: readonly QueueDefinitionInput[] = [')}
const overrides: Record<string, Partial<QueueDefinitionInput>> = ${JSON.stringify(overrides, null, 2)};

export const catalog: readonly QueueDefinitionInput[] = listedCatalog.map((entry) => ({ ...entry, ...overrides[entry.name] }));
`,
  );
  return copy;
}
