import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalCloudError } from '../../../local/errors';
import { countByType, functionCode, readStackTemplate, resourcesOfType } from '../../../local/cloud/template';
import { aFunction, aQueue, aTemplate } from './template-factory';

const dirs: string[] = [];

/** Writes a minimal cloud assembly: a manifest, the stack templates, an asset manifest. */
function anAssembly(stacks: Record<string, unknown>, assets: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'assembly-'));
  dirs.push(dir);
  const artifacts: Record<string, unknown> = {
    'Demo.assets': { type: 'cdk:asset-manifest', properties: { file: 'Demo.assets.json' } },
  };
  for (const [name, template] of Object.entries(stacks)) {
    artifacts[name] = { type: 'aws:cloudformation:stack', environment: 'aws://unknown-account/eu-west-1', properties: { templateFile: `${name}.template.json` } };
    writeFileSync(join(dir, `${name}.template.json`), JSON.stringify(template));
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts }));
  writeFileSync(join(dir, 'Demo.assets.json'), JSON.stringify({ version: '55.0.0', files: assets }));
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('readStackTemplate', () => {
  it('reads the one stack of the assembly with its pinned region', () => {
    // Prepare
    const dir = anAssembly({ Demo: aTemplate({ Work: aQueue() }) });

    // Act
    const stack = readStackTemplate(dir);

    // Assess
    expect(stack).toMatchObject({ stackName: 'Demo', assemblyDir: dir, region: 'eu-west-1' });
    expect(resourcesOfType(stack.template, 'AWS::SQS::Queue').map(([id]) => id)).toEqual(['Work']);
  });

  it('asks for a stack name when the assembly holds several, and takes the one named', () => {
    // Prepare
    const dir = anAssembly({ One: aTemplate({}), Two: aTemplate({ Work: aQueue() }) });

    // Act and assess
    expect(() => readStackTemplate(dir)).toThrow(/holds several stacks \(One, Two\)/);
    expect(readStackTemplate(dir, 'Two').stackName).toBe('Two');
  });

  it('says to synthesize first when there is no assembly', () => {
    // Act and assess
    expect(() => readStackTemplate(join(tmpdir(), 'no-such-assembly'))).toThrow(/run cdk synth first/);
  });
});

describe('functionCode', () => {
  it('finds the bundle from the asset metadata the CLI writes', () => {
    // Prepare
    const dir = anAssembly({ Demo: aTemplate({ Fn: aFunction({ Handler: 'index.main' }, 'asset.123') }) });

    // Act
    const code = functionCode(readStackTemplate(dir), 'Fn');

    // Assess
    expect(code).toEqual({ assetDir: join(dir, 'asset.123'), handler: 'index.main', runtime: 'nodejs24.x' });
  });

  it('finds the bundle through the asset manifest when the template has no asset metadata', () => {
    // Prepare
    const { Metadata: _none, ...withoutMetadata } = aFunction({ Code: { S3Bucket: 'bucket', S3Key: 'feed.zip' } });
    const dir = anAssembly(
      { Demo: aTemplate({ Fn: withoutMetadata }) },
      { feed: { source: { path: 'asset.feed', packaging: 'zip' }, destinations: { d: { objectKey: 'feed.zip' } } } },
    );
    mkdirSync(join(dir, 'asset.feed'));

    // Act
    const code = functionCode(readStackTemplate(dir), 'Fn');

    // Assess
    expect(code.assetDir).toBe(join(dir, 'asset.feed'));
  });

  it('refuses inline code, which the local cloud does not run', () => {
    // Prepare
    const dir = anAssembly({ Demo: aTemplate({ Fn: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler', Code: { ZipFile: 'x' } } } }) });

    // Act and assess
    expect(() => functionCode(readStackTemplate(dir), 'Fn')).toThrow(LocalCloudError);
  });
});

describe('countByType', () => {
  it('counts the resources of each type', () => {
    // Act
    const counts = countByType(aTemplate({ A: aQueue(), B: aQueue(), F: aFunction() }));

    // Assess
    expect([...counts]).toEqual([
      ['AWS::SQS::Queue', 2],
      ['AWS::Lambda::Function', 1],
    ]);
  });
});
