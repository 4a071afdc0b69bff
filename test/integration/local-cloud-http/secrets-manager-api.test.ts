import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../local/cloud/http/http-server';
import { startSecretsManagerApi, type StoredSecret } from '../../../local/cloud/http/secrets-manager-api';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/local-aws';

const secret: StoredSecret = {
  arn: `arn:aws:secretsmanager:${LOCAL_REGION}:000000000000:secret:jobs-signing-email-AbCdEf`,
  name: 'jobs-signing-email',
  value: '{"secret":"whsec_c2VjcmV0"}',
  createdDate: new Date('2024-05-06T10:00:00Z'),
};

describe('the local Secrets Manager API, through the SDK client', () => {
  let api: RunningServer;
  let client: SecretsManagerClient;
  const log: string[] = [];

  beforeAll(async () => {
    api = await startSecretsManagerApi({
      port: 0,
      secrets: { get: (id) => (id === secret.name || id === secret.arn ? secret : undefined) },
      log: (line) => log.push(line),
    });
    client = new SecretsManagerClient({ endpoint: api.url, region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } });
  });
  afterAll(async () => {
    client.destroy();
    await api.stop();
  });

  it('returns the current value by name and by ARN, with a stable version id', async () => {
    const byName = await client.send(new GetSecretValueCommand({ SecretId: secret.name }));
    const byArn = await client.send(new GetSecretValueCommand({ SecretId: secret.arn }));

    expect(byName).toMatchObject({
      ARN: secret.arn,
      Name: secret.name,
      SecretString: secret.value,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: secret.createdDate,
      VersionId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
    });
    expect(byArn.VersionId).toBe(byName.VersionId);
  });

  it('describes the secret without its value', async () => {
    const described = await client.send(new DescribeSecretCommand({ SecretId: secret.name }));

    expect(described).toMatchObject({ ARN: secret.arn, Name: secret.name, CreatedDate: secret.createdDate });
    expect(Object.values(described.VersionIdsToStages ?? {})).toEqual([['AWSCURRENT']]);
    expect(JSON.stringify(described)).not.toContain('whsec_');
  });

  it('answers an unknown secret or a missing stage with ResourceNotFoundException, and logs no value', async () => {
    const unknown: unknown = await client.send(new GetSecretValueCommand({ SecretId: 'nope' })).catch((e: unknown) => e);
    const previous: unknown = await client.send(new GetSecretValueCommand({ SecretId: secret.name, VersionStage: 'AWSPREVIOUS' })).catch((e: unknown) => e);

    expect(unknown).toMatchObject({ name: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret.", $metadata: { httpStatusCode: 400 } });
    expect(previous).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(log.join('\n')).not.toContain('whsec_');
  });
});
