/**
 * The pure parts of the bundles scenario: which SDK names a function's
 * sources import, the floor bundle's entry made of them, and which handler
 * a bundle was built from.
 */

/** Names imported from each `@aws-sdk/*` package, by package. */
export type SdkImports = Map<string, Set<string>>;

/** Static `import … from '@aws-sdk/…'` statements, over several lines too. */
const IMPORT = /import\s+(type\s+)?([^'";]*?)\s+from\s+['"](@aws-sdk\/[^'"]+)['"]/g;

/**
 * The runtime names `source` imports from `@aws-sdk/*` packages, added to
 * `into`: type-only imports (`import type`, `type X`) are left out, `A as B`
 * counts as `A`, and a namespace or default import as `*` (the whole package).
 *
 * @example
 * sdkImports("import { SQSClient, type Message } from '@aws-sdk/client-sqs';");
 * // Map { '@aws-sdk/client-sqs' => Set { 'SQSClient' } }
 */
export function sdkImports(source: string, into: SdkImports = new Map()): SdkImports {
  for (const match of source.matchAll(IMPORT)) {
    const [, typeOnly, clause = '', pkg = ''] = match;
    if (typeOnly !== undefined) continue;
    const names = new Set<string>();
    const braces = /\{([^}]*)\}/.exec(clause);
    if (braces?.[1] !== undefined) {
      for (const part of braces[1].split(',')) {
        const spec = part.trim();
        if (spec === '' || spec.startsWith('type ')) continue;
        const name = spec.split(/\s+as\s+/)[0]?.trim();
        if (name !== undefined && name !== '') names.add(name);
      }
    }
    const outside = clause.replace(/\{[^}]*\}/, '').replace(/,/g, ' ').trim();
    if (outside !== '') names.add('*');
    if (names.size === 0) continue;
    const set = into.get(pkg) ?? new Set<string>();
    for (const name of names) set.add(name);
    into.set(pkg, set);
  }
  return into;
}

/**
 * The floor bundle's entry: imports the same names from the same packages and
 * keeps them alive, so tree-shaking keeps what the function's own imports
 * would (a bare `import '@aws-sdk/…'` keeps nothing: the packages declare no
 * side effects).
 *
 * @example
 * floorSource(new Map([['@aws-sdk/client-sqs', new Set(['SQSClient'])]]));
 * // "import { SQSClient as m0_0 } from '@aws-sdk/client-sqs';\nglobalThis.__floor = [m0_0];\n"
 */
export function floorSource(imports: SdkImports): string {
  const lines: string[] = [];
  const kept: string[] = [];
  [...imports.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .forEach(([pkg, names], index) => {
      if (names.has('*')) {
        lines.push(`import * as m${index} from '${pkg}';`);
        kept.push(`m${index}`);
        return;
      }
      const sorted = [...names].sort();
      lines.push(`import { ${sorted.map((name, n) => `${name} as m${index}_${n}`).join(', ')} } from '${pkg}';`);
      kept.push(...sorted.map((_, n) => `m${index}_${n}`));
    });
  lines.push(`globalThis.__floor = [${kept.join(', ')}];`);
  return `${lines.join('\n')}\n`;
}

/**
 * The project files a bundle was built from, from its source map's `sources`
 * (relative to wherever it was bundled): each one's path from its
 * `functions/` folder on, e.g. `functions/handlers/ingest.ts`. Sources from
 * packages are left out.
 *
 * @example
 * projectSources(['../../../repo/functions/core/job.ts', '../../../repo/node_modules/zod/index.js']); // ['functions/core/job.ts']
 */
export function projectSources(sources: readonly string[]): string[] {
  const found = new Set<string>();
  for (const source of sources) {
    const normalized = source.replaceAll('\\', '/');
    if (normalized.includes('node_modules/')) continue;
    const at = normalized.lastIndexOf('functions/');
    if (at >= 0 && (at === 0 || normalized[at - 1] === '/')) found.add(normalized.slice(at));
  }
  return [...found];
}

/**
 * The handler a bundle was built from: among its project sources, the files
 * directly under `functions/handlers/` that `isEntry` says are Lambda entry
 * points (they export `handler`); undefined when there is none.
 *
 * @example
 * handlerOfSources(['functions/handlers/ingest.ts', 'functions/handlers/runtime.ts'], (name) => name === 'ingest'); // 'ingest'
 */
export function handlerOfSources(sources: readonly string[], isEntry: (name: string) => boolean): string | undefined {
  return sources.map((source) => /^functions\/handlers\/([a-z0-9-]+)\.ts$/.exec(source)?.[1]).find((name): name is string => name !== undefined && isEntry(name));
}

/**
 * Whether a file's source is a Lambda entry point: it exports `handler` at the
 * start of a line, so an `@example` in a TSDoc comment (` * export const
 * handler = …`) does not count.
 *
 * @example
 * isEntrySource('export const handler = createIngestHandler(deps);'); // true
 * isEntrySource(' * @example\n * export const handler = createX(runtime(process.env));'); // false
 */
export function isEntrySource(source: string): boolean {
  return /^export\s+const\s+handler\b/m.test(source);
}
