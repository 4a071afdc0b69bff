import { describe, expect, it } from 'vitest';
import { signedAdminApi } from '../../../ops/admin-api';
import { regionOfApiUrl, resolveConnection, type ConnectionSources } from '../../../ops/connection';

const LOCAL_FILE = JSON.stringify({
  api_url: 'http://127.0.0.1:3000/',
  api_keys: { partner: 'k' },
  admin: { access_key_id: 'local-admin', secret_access_key: 'local-secret', region: 'us-east-1' },
});

function sources(file: string | undefined, env: Record<string, string> = {}): ConnectionSources & { chainUsed: () => boolean } {
  let used = false;
  return {
    readFile: async () => file,
    env,
    credentialChain: () => {
      used = true;
      return async () => ({ accessKeyId: 'from-chain', secretAccessKey: 'chain-secret' });
    },
    chainUsed: () => used,
  };
}

describe('resolveConnection', () => {
  it("uses the local cloud's file when no --api-url is given", async () => {
    // Act
    const connection = await resolveConnection({ config: '.local-cloud.json' }, sources(LOCAL_FILE));

    // Assess
    expect(connection).toMatchObject({ apiUrl: 'http://127.0.0.1:3000', region: 'us-east-1', source: 'local-cloud' });
    expect(await connection.credentials()).toEqual({ accessKeyId: 'local-admin', secretAccessKey: 'local-secret' });
  });

  it('uses --api-url with the credential chain, the region from the URL', async () => {
    // Prepare
    const given = sources(LOCAL_FILE);

    // Act
    const connection = await resolveConnection({ config: '.local-cloud.json', apiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/' }, given);

    // Assess
    expect(connection).toMatchObject({ apiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod', region: 'eu-west-1', source: 'aws' });
    expect(given.chainUsed()).toBe(true);
  });

  it('prefers --region, then AWS_REGION, over the URL', async () => {
    // Act
    const flag = await resolveConnection({ config: 'x', apiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod', region: 'af-south-1' }, sources(undefined));
    const env = await resolveConnection({ config: 'x', apiUrl: 'https://api.example.com/prod' }, sources(undefined, { AWS_REGION: 'eu-central-1' }));

    // Assess
    expect(flag.region).toBe('af-south-1');
    expect(env.region).toBe('eu-central-1');
  });

  it.each([
    [{ config: '.local-cloud.json' }, undefined, 'pass --api-url'],
    [{ config: '.local-cloud.json' }, '{', 'is not JSON'],
    [{ config: '.local-cloud.json' }, '{"api_url":"http://x"}', 'lacks api_url or admin credentials'],
    [{ config: 'x', apiUrl: 'not a url' }, undefined, '--api-url must be a URL'],
    [{ config: 'x', apiUrl: 'https://api.example.com/prod' }, undefined, 'no region'],
  ])('explains what is missing: %j', async (options, file, message) => {
    // Act / Assess
    await expect(resolveConnection(options, sources(file))).rejects.toThrow(message);
  });

  it('reads the region of an API Gateway URL only', () => {
    // Act / Assess
    expect(regionOfApiUrl('https://a1.execute-api.ap-southeast-2.amazonaws.com/v1')).toBe('ap-southeast-2');
    expect(regionOfApiUrl('http://127.0.0.1:3000')).toBeUndefined();
  });
});

describe('signedAdminApi', () => {
  it('sends signed requests with the query and JSON body, and parses the answer', async () => {
    // Prepare
    const sent: { url: string; init: RequestInit }[] = [];
    const fetchStub = (async (url: URL | string, init?: RequestInit) => {
      sent.push({ url: String(url), init: init ?? {} });
      return new Response(JSON.stringify({ ok: true, deleted: 1 }), { status: 200 });
    }) as typeof fetch;
    const api = signedAdminApi(await resolveConnection({ config: 'x' }, sources(LOCAL_FILE)), fetchStub);

    // Act
    const answer = await api.request('POST', '/admin/queues/email/clean', { query: { dry: undefined, a: 'b' }, body: { state: 'failed' } });

    // Assess
    expect(answer).toEqual({ status: 200, body: { ok: true, deleted: 1 } });
    expect(sent[0]?.url).toBe('http://127.0.0.1:3000/admin/queues/email/clean?a=b');
    expect(sent[0]?.init.body).toBe('{"state":"failed"}');
    const headers = sent[0]?.init.headers as Record<string, string>;
    expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=local-admin\/\d{8}\/us-east-1\/execute-api\/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/);
  });

  it('turns a connection failure into a message naming the API', async () => {
    // Prepare
    const fetchStub = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const api = signedAdminApi(await resolveConnection({ config: 'x' }, sources(LOCAL_FILE)), fetchStub);

    // Act / Assess
    await expect(api.request('GET', '/admin/queues')).rejects.toThrow('cannot reach http://127.0.0.1:3000: fetch failed');
  });
});
