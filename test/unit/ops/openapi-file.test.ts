import { describe, expect, it } from 'vitest';
import { DEFAULT_OPENAPI_FILE, runOpenApi, type OpenApiIo } from '../../../ops/openapi-file';

/** An io that keeps what the command says and writes. */
function anIo(): OpenApiIo & { out: string[]; err: string[]; files: Map<string, string> } {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  return { out, err, files, stdout: (text) => out.push(text), stderr: (text) => err.push(text), writeFile: (file, text) => files.set(file, text) };
}

describe('npm run openapi', () => {
  it('writes the document to openapi.json at the project root unless told', () => {
    // Prepare
    const io = anIo();

    // Act
    const code = runOpenApi([], io);

    // Assess
    expect(code).toBe(0);
    expect(DEFAULT_OPENAPI_FILE).toMatch(/[/\\]openapi\.json$/);
    const document = JSON.parse(io.files.get(DEFAULT_OPENAPI_FILE) ?? '{}') as { openapi?: string; paths?: Record<string, unknown>; servers?: unknown };
    expect(document.openapi).toBe('3.1.0');
    expect(document.paths).toHaveProperty(['/jobs/payments']);
    expect(document.servers).toBeUndefined();
    expect(io.err.join('')).toContain('wrote');
  });

  it('writes to stdout with --out -, and names the server with --server-url', () => {
    // Prepare
    const io = anIo();

    // Act
    const code = runOpenApi(['--out', '-', '--server-url', 'https://api.example.com/v1'], io);

    // Assess
    expect(code).toBe(0);
    expect(io.files.size).toBe(0);
    expect(JSON.parse(io.out.join(''))).toMatchObject({ servers: [{ url: 'https://api.example.com/v1' }] });
  });

  it('refuses an unknown option with the usage, exit 1, writing nothing', () => {
    // Prepare
    const io = anIo();

    // Act
    const code = runOpenApi(['--outt', 'x.json'], io);

    // Assess
    expect(code).toBe(1);
    expect(io.err.join('')).toMatch(/usage: npm run openapi/);
    expect(io.files.size).toBe(0);
  });
});
