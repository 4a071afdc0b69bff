import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_TARGET } from '../../lib/pipeline-function';
import type { FunctionSpec } from '../../local/cloud/lambda-host';
import type { LocalCloud } from '../../local/cloud/local-cloud';
import { floorSource, handlerOfSources, isEntrySource, projectSources, sdkImports, type SdkImports } from '../bundle-analysis';
import type { Progress } from '../progress';
import type { BundleFigures, BundlesResult } from '../results';
import { median, ratioOfMediansRange } from '../stats';

/** Fresh `node` processes per module-load median. */
export const LOADS = 21;

/**
 * For every function asset of the cloud assembly: the bundle's size and its
 * module-load time (median of {@link LOADS} fresh `node` processes, each with
 * the function's own environment, as Lambda's init loads it), next to a
 * floor bundle holding only the SDK names the handler's sources import, built
 * with esbuild in the same format, minified, and loaded the same way; with
 * the 95 % range of the load ratio, as loads on one machine spread widely.
 */
export async function bundles(options: { readonly projectRoot: string; readonly cloud: LocalCloud; readonly progress: Progress }): Promise<BundlesResult> {
  const { projectRoot, progress } = options;
  const specs = options.cloud.functions;
  const byAsset = new Map<string, FunctionSpec[]>();
  for (const spec of specs) byAsset.set(spec.assetDir, [...(byAsset.get(spec.assetDir) ?? []), spec]);
  const scratch = mkdtempSync(join(tmpdir(), 'pipeline-bench-floor-'));
  const figures: BundleFigures[] = [];
  try {
    let done = 0;
    for (const [assetDir, group] of byAsset) {
      const spec = group[0];
      if (spec === undefined) continue;
      progress.update('bundles', `${++done} of ${byAsset.size}: ${spec.label}`);
      figures.push(await measureAsset(projectRoot, assetDir, group, scratch));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  figures.sort((a, b) => (a.handler ?? '~').localeCompare(b.handler ?? '~'));
  return { scenario: 'bundles', system: 'pipeline', loads: LOADS, bundles: figures };
}

async function measureAsset(projectRoot: string, assetDir: string, group: readonly FunctionSpec[], scratch: string): Promise<BundleFigures> {
  const spec = group[0] as FunctionSpec;
  const moduleName = spec.handler.slice(0, spec.handler.lastIndexOf('.'));
  const file = ['.mjs', '.js', '.cjs'].map((ext) => join(assetDir, `${moduleName}${ext}`)).find((path) => existsSync(path));
  if (file === undefined) throw new Error(`no bundle ${moduleName}.{mjs,js,cjs} in ${assetDir}`);
  const format = bundleFormat(file, assetDir);
  const sources = existsSync(`${file}.map`) ? projectSources((JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources?: string[] }).sources ?? []) : [];
  const handler = handlerOfSources(sources, (name) => isEntrySource(readProjectFile(projectRoot, `functions/handlers/${name}.ts`)));
  const imports: SdkImports = new Map();
  for (const source of sources) sdkImports(readProjectFile(projectRoot, source), imports);
  const runtimeImports = withRuntimeExports(projectRoot, imports);
  const bytes = statSync(file).size;
  const env = { ...spec.environment };
  let floorFile: string | undefined;
  if (runtimeImports.size > 0) floorFile = await buildFloor(projectRoot, runtimeImports, format, join(scratch, `floor-${handler ?? spec.label}${format === 'esm' ? '.mjs' : '.js'}`));
  const loads: number[] = [];
  const floorLoads: number[] = [];
  // Alternated, so a busy moment of the machine falls on both alike.
  for (let round = 0; round < LOADS; round++) {
    loads.push(await loadTime(file, format, env));
    if (floorFile !== undefined) floorLoads.push(await loadTime(floorFile, format, env));
  }
  const loadMs = median(loads);
  const floorBytes = floorFile === undefined ? null : statSync(floorFile).size;
  const floorLoadMs = floorFile === undefined ? null : median(floorLoads);
  return {
    functions: group.map((member) => member.label),
    handler: handler ?? null,
    format,
    bytes,
    load_ms: loadMs,
    sdk_packages: [...imports.keys()].sort(),
    floor_bytes: floorBytes,
    floor_load_ms: floorLoadMs,
    size_ratio: floorBytes === null ? null : bytes / floorBytes,
    load_ratio: floorLoadMs === null ? null : loadMs / floorLoadMs,
    load_ratio_range: floorLoadMs === null ? null : ratioOfMediansRange(loads, floorLoads),
  };
}

/** ES module when the file says so by its extension or its folder's package.json; CommonJS otherwise. */
function bundleFormat(file: string, assetDir: string): 'cjs' | 'esm' {
  if (file.endsWith('.mjs')) return 'esm';
  if (file.endsWith('.cjs')) return 'cjs';
  const manifest = join(assetDir, 'package.json');
  if (!existsSync(manifest)) return 'cjs';
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type === 'module' ? 'esm' : 'cjs';
}

function readProjectFile(projectRoot: string, path: string): string {
  try {
    return readFileSync(join(projectRoot, path), 'utf8');
  } catch {
    return '';
  }
}

/** The imports with names a package does not export at run time (types imported without `type`) left out. */
function withRuntimeExports(projectRoot: string, imports: SdkImports): SdkImports {
  const require = createRequire(join(projectRoot, 'package.json'));
  const kept: SdkImports = new Map();
  for (const [pkg, names] of imports) {
    const exported = new Set(Object.keys(require(pkg) as object));
    const runtime = [...names].filter((name) => name === '*' || exported.has(name));
    if (runtime.length > 0) kept.set(pkg, new Set(runtime));
  }
  return kept;
}

/** Builds the floor bundle as the functions are built: minified, for Node, in the same module format. */
async function buildFloor(projectRoot: string, imports: SdkImports, format: 'cjs' | 'esm', outfile: string): Promise<string> {
  await build({
    stdin: { contents: floorSource(imports), resolveDir: projectRoot, loader: 'js', sourcefile: 'floor.js' },
    bundle: true,
    minify: true,
    platform: 'node',
    target: BUNDLE_TARGET,
    format,
    outfile,
    logLevel: 'silent',
    ...(format === 'esm'
      ? {
          mainFields: ['module', 'main'],
          // Packages that still `require` need one in an ES module.
          banner: { js: "import { createRequire as __floorRequire } from 'node:module'; const require = __floorRequire(import.meta.url);" },
        }
      : {}),
  });
  return outfile;
}

/** The module-load probe: the time of one `require` or `import` of the bundle, in a fresh process. */
const PROBE = `
import { createRequire } from 'node:module';
const [file, format, url] = process.argv.slice(1);
const load = format === 'esm' ? () => import(url) : () => createRequire(import.meta.url)(file);
const started = performance.now();
await load();
process.stdout.write(JSON.stringify({ ms: performance.now() - started }));
process.exit(0);
`;

/** One module load of `file` in a fresh `node` with `env`, in ms. */
function loadTime(file: string, format: 'cjs' | 'esm', env: Readonly<Record<string, string>>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', PROBE, file, format, pathToFileURL(file).href], {
      env: { ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        const { ms } = JSON.parse(out) as { ms: number };
        resolve(ms);
      } catch {
        reject(new Error(`loading ${file} failed (exit ${code}): ${err.trim().slice(0, 500)}`));
      }
    });
  });
}
