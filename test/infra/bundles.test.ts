import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../functions/core/openapi';
import { OPENAPI_FILE_NAME } from '../../functions/core/openapi-file';
import { queueSettingsSchema } from '../../functions/core/runtime-config';
import * as z from '../../functions/core/validation';
import { PipelineStack } from '../../lib/pipeline-stack';
import { CDK_JSON_CONTEXT, environmentOf, TEST_CONTEXT, type TemplateResource } from './support';

const run = promisify(execFile);

/** What a Lambda sandbox has that the handlers' SDK clients look for: a region and (fake) credentials. */
const SANDBOX_ENVIRONMENT = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
  AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
  AWS_LAMBDA_FUNCTION_NAME: 'bundle-check',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/**
 * Loads a bundle in a fresh Node process with only the given environment, as
 * Lambda would at a cold start: an ES module, by `import()` of its file URL.
 */
async function loadBundle(file: string, environment: Record<string, string>): Promise<{ ok: boolean; output: string; ms: number }> {
  const script =
    'const t = process.hrtime.bigint(); const m = await import(process.argv[1]);' +
    "if (typeof m.handler !== 'function') throw new Error('no handler export');" +
    'process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));';
  try {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, pathToFileURL(file).href], {
      env: { PATH: process.env.PATH ?? '', ...environment },
      cwd: path.dirname(file),
      timeout: 30_000,
    });
    return { ok: true, output: stdout, ms: Number(stdout) };
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    return { ok: false, output: failure.stderr ?? failure.message, ms: Number.NaN };
  }
}

describe('bundles, built for real', () => {
  let outdir = '';
  let resources: Record<string, TemplateResource> = {};
  const functions: { path: string; assetDir: string; resource: TemplateResource }[] = [];

  beforeAll(() => {
    // Prepare: the app as bin/app.ts builds it, bundling included, cdk-nag on.
    outdir = mkdtempSync(path.join(tmpdir(), 'pipeline-bundles-'));
    const app = new App({
      outdir,
      // The templates are linted on their own; CDK's built-in template validation would add seconds here.
      builtinCloudFormationValidation: false,
      context: { ...CDK_JSON_CONTEXT, ...TEST_CONTEXT, 'aws:cdk:enable-path-metadata': true },
    });
    new PipelineStack(app, 'JobPipeline');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    // Act: throws when a validation plugin reports a violation.
    app.synth();

    const template = JSON.parse(readFileSync(path.join(outdir, 'JobPipeline.template.json'), 'utf8')) as {
      Resources: Record<string, TemplateResource>;
    };
    resources = template.Resources;
    for (const resource of Object.values(resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const key = String((resource.Properties?.Code as { S3Key: unknown }).S3Key);
      functions.push({
        path: String(resource.Metadata?.['aws:cdk:path']),
        assetDir: path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`),
        resource,
      });
    }
  }, 180_000);

  afterAll(() => {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  it('writes every function’s bundle as an ES module with its source map, the AWS SDK inside, no node_modules beside it', () => {
    expect(functions.length).toBeGreaterThanOrEqual(20);
    const sizes = new Map<string, number>();
    for (const fn of functions) {
      expect(fn.resource.Properties?.Handler, fn.path).toBe('index.handler');
      expect(existsSync(path.join(fn.assetDir, 'index.js')), fn.path).toBe(false);
      const bundle = path.join(fn.assetDir, 'index.mjs');
      // esbuild's shim for a `require` it could not resolve: it throws in an ES module.
      expect(readFileSync(bundle, 'utf8'), fn.path).not.toMatch(/Dynamic require of/);
      expect(existsSync(bundle), fn.path).toBe(true);
      expect(existsSync(`${bundle}.map`), fn.path).toBe(true);
      expect(existsSync(path.join(fn.assetDir, 'node_modules')), fn.path).toBe(false);
      sizes.set(path.basename(fn.assetDir), statSync(bundle).size);
    }
    // One bundle per entry point: the consumers share theirs.
    const others = functions.filter((fn) => !fn.path.startsWith('JobPipeline/Consumers/'));
    expect(sizes.size).toBe(others.length + 1);
    for (const size of sizes.values()) expect(size).toBeLessThan(3 * 1024 * 1024);
  });

  it("carries the environment's credentials in place of the SDK's default chain, whose other links never run in Lambda", () => {
    const bundles = [...new Set(functions.map((fn) => fn.assetDir))];
    for (const assetDir of bundles) {
      // Prepare: the sources each bundle was built from, as its source map names them.
      const { sources } = JSON.parse(readFileSync(path.join(assetDir, 'index.mjs.map'), 'utf8')) as { sources: string[] };

      // Assess
      expect(sources.some((source) => source.endsWith('functions/adapters/lambda-env-credentials.ts')), assetDir).toBe(true);
      expect(
        sources.filter((source) => /@aws-sdk\/(credential-provider-(node|ini|sso|process|web-identity|http|login)|nested-clients|token-providers)\//.test(source)),
        assetDir,
      ).toEqual([]);
    }
  });

  it("ships the health function's OpenAPI document beside its bundle, the one its queues' settings describe", () => {
    // Prepare
    const health = functions.find((fn) => fn.path.startsWith('JobPipeline/Health/'));
    if (!health) throw new Error('no health function');
    const queues = z.array(queueSettingsSchema).parse(JSON.parse(String(environmentOf({ Resources: resources }, health.resource).QUEUES)));

    // Act
    const shipped = JSON.parse(readFileSync(path.join(health.assetDir, OPENAPI_FILE_NAME), 'utf8')) as unknown;

    // Assess: the same document the generator builds at run time from the function's QUEUES
    expect(shipped).toEqual(buildOpenApiDocument({ queues }));
    expect(functions.filter((fn) => existsSync(path.join(fn.assetDir, OPENAPI_FILE_NAME)))).toHaveLength(1);
  });

  it('loads every bundle, handler exported, with the environment the stack gives its function', async () => {
    // Each bundle once with its first function's environment, and the consumers' bundle also as a FIFO and a
    // one-at-a-time consumer. (Every consumer's environment is checked against the same schema in pipeline-stack.test.ts.)
    const chosen = functions.filter(
      (fn, index) =>
        functions.findIndex((other) => other.assetDir === fn.assetDir) === index ||
        /Consumers\/(order-processing|report-generation)\//.test(fn.path),
    );
    expect(chosen).toHaveLength(10);
    expect(chosen.filter((fn) => fn.path.startsWith('JobPipeline/AdminFunction/'))).toHaveLength(1);
    const results = [];
    // Two at a time, so a small CI runner is not swamped.
    for (let index = 0; index < chosen.length; index += 2) {
      results.push(
        ...(await Promise.all(
          chosen.slice(index, index + 2).map(async (fn) => ({
            fn,
            result: await loadBundle(path.join(fn.assetDir, 'index.mjs'), {
              ...SANDBOX_ENVIRONMENT,
              ...environmentOf({ Resources: resources }, fn.resource),
            }),
          })),
        )),
      );
    }
    for (const { fn, result } of results) expect(result, `${fn.path}: ${result.output}`).toMatchObject({ ok: true });
  }, 120_000);

  it('fails to load a bundle whose environment lacks a variable, naming it', async () => {
    const ingest = functions.find((fn) => fn.path.startsWith('JobPipeline/Ingest/'));
    if (!ingest) throw new Error('no ingest function');
    const { TABLE_NAME: _missing, ...environment } = environmentOf({ Resources: resources }, ingest.resource);

    const result = await loadBundle(path.join(ingest.assetDir, 'index.mjs'), { ...SANDBOX_ENVIRONMENT, ...environment });

    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/TABLE_NAME/);
  }, 60_000);

  it('fails to load the admin bundle without the consumers’ function names, naming the variable', async () => {
    const admin = functions.find((fn) => fn.path.startsWith('JobPipeline/AdminFunction/'));
    if (!admin) throw new Error('no admin function');
    const { CONSUMER_FUNCTIONS: _missing, ...environment } = environmentOf({ Resources: resources }, admin.resource);

    const result = await loadBundle(path.join(admin.assetDir, 'index.mjs'), { ...SANDBOX_ENVIRONMENT, ...environment });

    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/CONSUMER_FUNCTIONS/);
  }, 60_000);
});
