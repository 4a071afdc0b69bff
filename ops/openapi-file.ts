import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { buildOpenApiDocument, type JsonObject } from '../functions/core/openapi';
import { parseCatalog } from '../functions/core/queue-config';
import { catalog } from '../lib/catalog';

/** Where `npm run openapi` writes the document unless told: `openapi.json` at the project root (git-ignored). */
export const DEFAULT_OPENAPI_FILE = path.join(__dirname, '..', 'openapi.json');

/** The document of the catalog in `lib/catalog.ts`, as the deployed `GET /openapi.json` serves it. */
export function catalogOpenApiDocument(serverUrl?: string): JsonObject {
  return buildOpenApiDocument({ queues: parseCatalog(catalog), ...(serverUrl === undefined ? {} : { serverUrl }) });
}

/** Where the command's words go. */
export interface OpenApiIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly writeFile: (file: string, text: string) => void;
}

const USAGE =
  'usage: npm run openapi [-- --out <file> | --out -] [--server-url <url>]\n' +
  '  writes the OpenAPI 3.1 document of every route to openapi.json at the project root,\n' +
  '  to <file>, or to stdout with --out -; --server-url sets its server (e.g. the stack\'s ApiUrl output)';

/**
 * `npm run openapi`: writes the OpenAPI 3.1 document built from the catalog.
 * Returns the exit code: 0, or 1 for a usage error.
 *
 * @example
 * runOpenApi(['--out', '-'], { stdout: console.log, stderr: console.error, writeFile: writeFileSync });
 */
export function runOpenApi(args: readonly string[], io: OpenApiIo): number {
  let values: { out?: string; 'server-url'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { out: { type: 'string' }, 'server-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  if (values.help === true) {
    io.stdout(USAGE);
    return 0;
  }
  const text = `${JSON.stringify(catalogOpenApiDocument(values['server-url']), null, 2)}\n`;
  if (values.out === '-') {
    io.stdout(text);
    return 0;
  }
  const file = values.out ?? DEFAULT_OPENAPI_FILE;
  io.writeFile(file, text);
  io.stderr(`wrote ${file} (${Buffer.byteLength(text)} bytes)`);
  return 0;
}

/** The terminal's streams and the file system. */
export const terminalOpenApiIo: OpenApiIo = {
  stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  writeFile: (file, text) => writeFileSync(file, text),
};
