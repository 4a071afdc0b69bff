import { describe, expect, it } from 'vitest';
import { parseConfig, partnerApiConfigSchema } from '../../functions/core/runtime-config';
import { environmentOf, resourceAt, synthPipeline } from './support';

describe('PARTNER_KEYS', () => {
  const { template } = synthPipeline({ context: { partners: 'acme,globex' } });
  const functionAt = (path: string) => resourceAt(template, 'AWS::Lambda::Function', `JobPipeline/${path}/Function`);
  const keyIdOf = (partner: string) => resourceAt(template, 'AWS::ApiGateway::ApiKey', `JobPipeline/Api/Partner-${partner}/Key`)[0];

  it.each(['Ingest', 'JobStatus'])('gives the %s function each partner with a Ref to its own API key', (path) => {
    // Prepare
    const [, fn] = functionAt(path);
    const variable = (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables.PARTNER_KEYS;

    // Act
    const config = parseConfig(partnerApiConfigSchema, environmentOf(template, fn));

    // Assess: the key ids are the keys' Refs, resolved at deploy time (the test resolves a Ref to `<logicalId>-ref`)
    expect(config.PARTNER_KEYS).toEqual([
      { key_id: `${keyIdOf('acme')}-ref`, partner: 'acme' },
      { key_id: `${keyIdOf('globex')}-ref`, partner: 'globex' },
    ]);
    expect(JSON.stringify(variable)).toContain(JSON.stringify({ Ref: keyIdOf('acme') }));
    expect(JSON.stringify(variable)).toContain(JSON.stringify({ Ref: keyIdOf('globex') }));
  });

  it('is given to no function that does not serve partners by key', () => {
    for (const path of ['Health', 'Sweeper', 'Reconciler']) {
      // Act
      const [, fn] = functionAt(path);

      // Assess
      expect(environmentOf(template, fn), path).not.toHaveProperty('PARTNER_KEYS');
    }
  });

  it('leaves the API keys depending on nothing, so the functions can refer to them without a cycle', () => {
    for (const partner of ['acme', 'globex']) {
      // Act
      const [, key] = resourceAt(template, 'AWS::ApiGateway::ApiKey', `JobPipeline/Api/Partner-${partner}/Key`);

      // Assess
      expect(key.DependsOn ?? []).toEqual([]);
      expect(JSON.stringify(key.Properties ?? {})).not.toMatch(/"Ref"|Fn::GetAtt/);
    }
  });
});
