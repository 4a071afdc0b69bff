import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../functions/core/errors';
import {
  consumerConfigSchema,
  consumerConfigWithSecretSchema,
  parseConfig,
  partnerApiConfigSchema,
  pipelineConfigSchema,
  queueSettingsOf,
} from '../../../functions/core/runtime-config';
import { parseQueueDefinition } from '../../../functions/core/queue-config';
import { aQueueDefinitionInput } from '../../helpers/factories';

const base = { TABLE_NAME: 'jobs', QUEUE_URL_BASE: 'https://sqs.us-east-1.amazonaws.com/123456789012', QUEUE_NAME_PREFIX: 'jobs-dev' };

describe('function configuration', () => {
  it('reads the ingest side settings from the environment', () => {
    // Prepare
    const settings = queueSettingsOf(parseQueueDefinition(aQueueDefinitionInput()));

    // Act
    const config = parseConfig(pipelineConfigSchema, { ...base, QUEUES: JSON.stringify([settings]) });

    // Assess
    expect(config.QUEUES).toEqual([settings]);
    expect(config.RECONCILE_AFTER_SECONDS).toBe(900);
  });

  it('keeps every shipped queue within a small environment variable', () => {
    const settings = queueSettingsOf(parseQueueDefinition(aQueueDefinitionInput({ dedup: true, dedupKeyField: 'intentId', lanes: true })));
    expect(JSON.stringify(settings).length).toBeLessThan(250);
  });

  it('names each missing or bad variable', () => {
    // Act
    const attempt = () => parseConfig(consumerConfigSchema, { ...base, QUEUE_URL_BASE: 'not a url', QUEUE_SETTINGS: '{nope', TARGET_URL: 'x', SIGNING_SECRET: 'short' });

    // Assess
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/QUEUE_URL_BASE/);
    expect(attempt).toThrow(/QUEUE_SETTINGS must be JSON/);
    expect(attempt).toThrow(/TARGET_URL/);
    expect(attempt).toThrow(/SIGNING_SECRET/);
  });

  it('needs the signing secret named, by ARN or (in tests) by value', () => {
    const environment = {
      ...base,
      QUEUE_SETTINGS: JSON.stringify(aQueueDefinitionInput()),
      TARGET_URL: 'https://example.com/hook',
    };
    expect(() => parseConfig(consumerConfigWithSecretSchema, environment)).toThrow(/SIGNING_SECRET_ARN/);
    expect(parseConfig(consumerConfigWithSecretSchema, { ...environment, SIGNING_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:s' }).SIGNING_SECRET_ARN).toContain('secret');
  });

  it('checks the consumer queue settings with the catalog schema', () => {
    // Act
    const attempt = () =>
      parseConfig(consumerConfigSchema, {
        ...base,
        QUEUE_SETTINGS: JSON.stringify({ ...aQueueDefinitionInput(), attempts: 0 }),
        TARGET_URL: 'https://example.com/hook',
        SIGNING_SECRET: 'whsec_c2VjcmV0c2VjcmV0',
      });

    // Assess
    expect(attempt).toThrow(/QUEUE_SETTINGS.attempts/);
  });
});

describe('partner-facing function configuration', () => {
  const pipeline = { ...base, QUEUES: JSON.stringify([queueSettingsOf(parseQueueDefinition(aQueueDefinitionInput()))]) };

  it('reads each partner of PARTNER_KEYS', () => {
    // Prepare
    const keys = [{ key_id: 'abc123', partner: 'acme' }, { key_id: 'def456', partner: 'globex' }];

    // Act
    const config = parseConfig(partnerApiConfigSchema, { ...pipeline, PARTNER_KEYS: JSON.stringify(keys) });

    // Assess
    expect(config.PARTNER_KEYS).toEqual(keys);
  });

  it.each([
    ['missing', undefined, /PARTNER_KEYS is required/],
    ['not JSON', '[{', /PARTNER_KEYS must be JSON/],
    ['empty', '[]', /at least one partner key/],
    ['without a partner', JSON.stringify([{ key_id: 'abc123' }]), /PARTNER_KEYS/],
    ['listing a key id twice', JSON.stringify([{ key_id: 'k', partner: 'acme' }, { key_id: 'k', partner: 'globex' }]), /key_id twice/],
  ])('refuses PARTNER_KEYS %s', (_case, value, message) => {
    // Act
    const attempt = () => parseConfig(partnerApiConfigSchema, { ...pipeline, PARTNER_KEYS: value });

    // Assess
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });

  it('is not needed by the other ingest-side functions', () => {
    // Act / Assess
    expect(() => parseConfig(pipelineConfigSchema, pipeline)).not.toThrow();
  });
});
