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
  const copy = mkdtempSync(join(tmpdir(), 'pipeline-e2e-'));
  for (const entry of ['bin', 'lib', 'functions', 'cdk.json', 'package.json', 'package-lock.json', 'tsconfig.json']) {
    cpSync(join(PROJECT_ROOT, entry), join(copy, entry), { recursive: true });
  }
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const catalogPath = join(copy, 'lib', 'catalog.ts');
  const catalog = readFileSync(catalogPath, 'utf8');
  const entry = new RegExp(`(name: '${CATALOG_EDIT.queue}',[\\s\\S]*?attempts: )(\\d+)`);
  if (!entry.test(catalog)) throw new Error(`catalog entry ${CATALOG_EDIT.queue} has no attempts to edit`);
  writeFileSync(catalogPath, catalog.replace(entry, `$1${CATALOG_EDIT.attempts}`));
  return copy;
}
