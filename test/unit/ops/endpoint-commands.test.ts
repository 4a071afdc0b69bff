import { describe, expect, it } from 'vitest';
import { anEndpointView, runCli } from './ops-fakes';

const ID = 'ep_abcdefghijklmnopqrst';
const ok = (body: Record<string, unknown>, status = 200) => ({ status, body: { ok: true, ...body } });

describe('ops endpoints', () => {
  it('lists endpoints with the filters as the query, one row each, and the command for the next page', async () => {
    // Prepare
    const open = anEndpointView({
      endpoint_id: 'ep_bbbbbbbbbbbbbbbbbbbb',
      enabled: false,
      disabled_reason: 'gone',
      circuit: { state: 'half_open', failure_threshold: 5, cooldown_seconds: 30, consecutive_failures: 7 },
    });

    // Act
    const { code, calls, stdout } = await runCli(['endpoints', '--user', 'user-1', '--limit', '2'], {
      reply: () => ok({ endpoints: [anEndpointView(), open], cursor: 'next-1' }),
    });

    // Assess
    expect(code).toBe(0);
    expect(calls).toEqual([{ method: 'GET', path: '/admin/endpoints', request: { query: { user_id: 'user-1', limit: '2', cursor: undefined } } }]);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^endpoint\s+user\s+url\s+body\s+enabled\s+circuit\s+failures in a row$/);
    expect(lines[2]).toMatch(new RegExp(`^${ID}\\s+user-1\\s+app\\.example\\.com/hooks/mpesa\\s+raw\\s+yes\\s+closed\\s+0$`));
    expect(lines[3]).toMatch(/^ep_b{20}\s+user-1\s+\S+\s+raw\s+no \(410 Gone\)\s+half-open\s+7$/);
    expect(lines.at(-1)).toBe('more: npm run ops -- endpoints --user user-1 --limit 2 --cursor next-1');
    expect(stdout).not.toContain('whsec_');
  });

  it('prints no next-page line on the last page', async () => {
    // Act
    const { stdout } = await runCli(['endpoints'], { reply: () => ok({ endpoints: [] }) });

    // Assess
    expect(stdout.split('\n').at(-1)).toBe('(none)');
  });

  it.each([
    [['endpoints', '--user', 'no spaces'], 'is not a user id'],
    [['endpoints', '--limit', '0'], '--limit must be a whole number from 1 to 100'],
    [['endpoint', 'ep_short'], 'is not an endpoint id'],
  ])('refuses %j before calling the API', async (argv, message) => {
    // Act
    const { code, stderr, connections } = await runCli(argv);

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain(message);
    expect(connections).toBe(0);
  });
});

describe('ops endpoint <id>', () => {
  it('shows one field per line and hides the secret and the header values', async () => {
    // Act
    const { code, calls, stdout } = await runCli(['endpoint', ID], { reply: () => ok({ endpoint: anEndpointView() }) });

    // Assess
    expect(code).toBe(0);
    expect(calls).toEqual([{ method: 'GET', path: `/admin/endpoints/${ID}`, request: {} }]);
    expect(stdout).toMatch(new RegExp(`^endpoint\\s+${ID}$`, 'm'));
    expect(stdout).toMatch(/^inbound URL\s+https:\/\/api\.example\.com\/prod\/webhook\/user-1\//m);
    expect(stdout).toMatch(/^headers\s+Authorization: \(hidden; --show-secret prints it\)$/m);
    expect(stdout).toMatch(/^secret\s+\(hidden; --show-secret prints it\)$/m);
    expect(stdout).not.toContain('whsec_');
    expect(stdout).not.toContain('app-token');
  });

  it('shows the secret and header values with --show-secret', async () => {
    // Act
    const { stdout } = await runCli(['endpoint', ID, '--show-secret'], { reply: () => ok({ endpoint: anEndpointView() }) });

    // Assess
    expect(stdout).toMatch(/^secret\s+whsec_c2VjcmV0LWtleS1ieXRlcw==$/m);
    expect(stdout).toContain('Authorization: Bearer app-token');
  });

  it('leaves the secret out of --json unless --show-secret', async () => {
    // Act
    const hidden = await runCli(['--json', 'endpoint', ID], { reply: () => ok({ endpoint: anEndpointView() }) });
    const shown = await runCli(['--json', 'endpoint', ID, '--show-secret'], { reply: () => ok({ endpoint: anEndpointView() }) });

    // Assess
    const hiddenBody = JSON.parse(hidden.stdout) as { endpoint: Record<string, unknown> };
    expect(hiddenBody.endpoint).not.toHaveProperty('secret');
    expect(hiddenBody.endpoint.endpoint_id).toBe(ID);
    expect((JSON.parse(shown.stdout) as { endpoint: { secret: string } }).endpoint.secret).toBe('whsec_c2VjcmV0LWtleS1ieXRlcw==');
  });

  it("reports the API's 404 and exits 1", async () => {
    // Act
    const { code, stderr } = await runCli(['endpoint', ID], {
      reply: () => ({ status: 404, body: { ok: false, error: { code: 'endpoint_not_found', message: `there is no endpoint ${ID}` } } }),
    });

    // Assess
    expect(code).toBe(1);
    expect(stderr).toBe(`error: endpoint_not_found: there is no endpoint ${ID}`);
  });
});

describe('ops endpoint-add', () => {
  it('sends the registration with headers, raw body and circuit, and prints the id, the secret to store and the inbound URL', async () => {
    // Act
    const { code, calls, stdout } = await runCli(
      [
        'endpoint-add', '--user', 'user-1', '--url', 'https://app.example.com/hooks/mpesa', '--description', 'shop till',
        '--header', 'Authorization: Bearer app-token', '--header', 'X-Shop:  42 ', '--raw', '--failure-threshold', '3',
      ],
      { reply: () => ok({ endpoint: anEndpointView() }, 201) },
    );

    // Assess
    expect(code).toBe(0);
    expect(calls).toEqual([
      {
        method: 'POST',
        path: '/admin/endpoints',
        request: {
          body: {
            user_id: 'user-1',
            url: 'https://app.example.com/hooks/mpesa',
            description: 'shop till',
            headers: { Authorization: 'Bearer app-token', 'X-Shop': '42' },
            body: 'raw',
            circuit: { failure_threshold: 3 },
          },
        },
      },
    ]);
    expect(stdout).toContain(`added endpoint ${ID} for user user-1`);
    expect(stdout).toContain('secret: whsec_c2VjcmV0LWtleS1ieXRlcw==');
    expect(stdout).toMatch(/Store it now/);
    expect(stdout).toContain('inbound URL: https://api.example.com/prod/webhook/user-1/');
    expect(stdout).toMatch(/Paste it into Daraja/);
  });

  it('names the partner whose jobs may name the endpoint with --partner, and refuses a malformed one', async () => {
    // Act
    const named = await runCli(['endpoint-add', '--user', 'user-1', '--url', 'https://a.example.com/in', '--partner', 'acme'], {
      reply: () => ok({ endpoint: anEndpointView({ partner: 'acme' }) }, 201),
    });
    const malformed = await runCli(['endpoint-add', '--user', 'user-1', '--url', 'https://a.example.com/in', '--partner', 'Acme Inc']);

    // Assess
    expect(named.calls[0]?.request.body).toEqual({ user_id: 'user-1', url: 'https://a.example.com/in', partner: 'acme' });
    expect([malformed.code, malformed.connections]).toEqual([1, 0]);
    expect(malformed.stderr).toContain('is not a partner name');
  });

  it('sends only the required fields when nothing else is given', async () => {
    // Act
    const { calls } = await runCli(['endpoint-add', '--user', 'user-1', '--url', 'http://127.0.0.1:9000/in'], {
      reply: () => ok({ endpoint: anEndpointView() }, 201),
    });

    // Assess
    expect(calls[0]?.request.body).toEqual({ user_id: 'user-1', url: 'http://127.0.0.1:9000/in' });
  });

  it.each([
    [['endpoint-add', '--url', 'https://a.example.com'], "required option '--user <id>' not specified"],
    [['endpoint-add', '--user', 'u'], "required option '--url <url>' not specified"],
    [['endpoint-add', '--user', 'u', '--url', 'app.example.com/hook'], 'is not a URL'],
    [['endpoint-add', '--user', 'u', '--url', 'ftp://a.example.com/x'], 'must be http or https'],
    [['endpoint-add', '--user', 'u', '--url', 'https://a.example.com', '--header', 'NoColon'], "give a header as 'Name: value'"],
    [['endpoint-add', '--user', 'u', '--url', 'https://a.example.com', '--header', 'A: 1', '--header', 'a: 2'], 'header a is given twice'],
    [['endpoint-add', '--user', 'u', '--url', 'https://a.example.com', '--failure-threshold', '101'], '--failure-threshold must be a whole number from 1 to 100'],
    [['endpoint-add', '--user', 'u', '--url', 'https://a.example.com', '--cooldown', '0'], '--cooldown must be a whole number from 1 to 3600'],
  ])('refuses %j before calling the API', async (argv, message) => {
    // Act
    const { code, stderr, connections } = await runCli(argv);

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain(message);
    expect(connections).toBe(0);
  });
});

describe('ops endpoint-change', () => {
  it('sends only the fields given', async () => {
    // Act
    const { code, calls, stdout } = await runCli(['endpoint-change', ID, '--url', 'https://new.example.com/in', '--envelope', '--disable'], {
      reply: () => ok({ endpoint: anEndpointView({ url: 'https://new.example.com/in', body: 'envelope', enabled: false, disabled_reason: 'operator' }) }),
    });

    // Assess
    expect(code).toBe(0);
    expect(calls).toEqual([{ method: 'PATCH', path: `/admin/endpoints/${ID}`, request: { body: { url: 'https://new.example.com/in', body: 'envelope', enabled: false } } }]);
    expect(stdout.split('\n')[0]).toBe(`changed url, body, enabled of endpoint ${ID}:`);
    expect(stdout).toMatch(/^enabled\s+no: disabled by an operator$/m);
  });

  it('removes every header with --no-headers, and sets them with --header', async () => {
    // Act
    const cleared = await runCli(['endpoint-change', ID, '--no-headers'], { reply: () => ok({ endpoint: anEndpointView({ headers: {} }) }) });
    const set = await runCli(['endpoint-change', ID, '--header', 'X-A: 1', '--enable', '--raw', '--description', ''], { reply: () => ok({ endpoint: anEndpointView() }) });

    // Assess
    expect(cleared.calls[0]?.request.body).toEqual({ headers: {} });
    expect(cleared.stdout).toMatch(/^headers\s+\(none\)$/m);
    expect(set.calls[0]?.request.body).toEqual({ description: '', headers: { 'X-A': '1' }, body: 'raw', enabled: true });
  });

  it('sets the partner with --partner and clears it with --no-partner, showing who may name it', async () => {
    // Act
    const set = await runCli(['endpoint-change', ID, '--partner', 'globex'], { reply: () => ok({ endpoint: anEndpointView({ partner: 'globex' }) }) });
    const cleared = await runCli(['endpoint-change', ID, '--no-partner'], { reply: () => ok({ endpoint: anEndpointView() }) });

    // Assess
    expect(set.calls[0]?.request.body).toEqual({ partner: 'globex' });
    expect(set.stdout).toMatch(/^partner\s+globex$/m);
    expect(cleared.calls[0]?.request.body).toEqual({ partner: null });
    expect(cleared.stdout).toMatch(/^partner\s+\(none: inbound callbacks only\)$/m);
  });

  it('sends only the circuit settings given', async () => {
    // Act
    const oneSetting = await runCli(['endpoint-change', ID, '--cooldown', '120'], { reply: () => ok({ endpoint: anEndpointView() }) });
    const both = await runCli(['endpoint-change', ID, '--cooldown', '120', '--failure-threshold', '2'], { reply: () => ok({ endpoint: anEndpointView() }) });

    // Assess
    expect(oneSetting.calls).toEqual([{ method: 'PATCH', path: `/admin/endpoints/${ID}`, request: { body: { circuit: { cooldown_seconds: 120 } } } }]);
    expect(both.calls[0]?.request.body).toEqual({ circuit: { failure_threshold: 2, cooldown_seconds: 120 } });
  });

  it.each([
    [['endpoint-change', ID], 'say what to change'],
    [['endpoint-change', ID, '--raw', '--envelope'], "option '--raw' cannot be used with option '--envelope'"],
    [['endpoint-change', ID, '--enable', '--disable'], "option '--enable' cannot be used with option '--disable'"],
    [['endpoint-change', ID, '--header', 'A: 1', '--no-headers'], "option '--header <header>' cannot be used with option '--no-headers'"],
    [['endpoint-change', 'ep_nope', '--enable'], 'is not an endpoint id'],
  ])('refuses %j with a usage error, sending nothing', async (argv, message) => {
    // Act
    const { code, stderr, connections } = await runCli(argv);

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain(message);
    expect(connections).toBe(0);
  });
});

describe('ops endpoint rotations and removal', () => {
  it('rotates the secret and says until when the previous one still signs', async () => {
    // Act
    const { code, calls, stdout } = await runCli(['endpoint-rotate-secret', ID], {
      reply: () => ok({ endpoint: anEndpointView({ secret: 'whsec_bmV3', secrets_signing: 2, previous_secret_expires_at: '2026-01-02T00:00:00.000Z' }) }),
    });

    // Assess
    expect(code).toBe(0);
    expect(calls).toEqual([{ method: 'POST', path: `/admin/endpoints/${ID}/rotate-secret`, request: {} }]);
    expect(stdout).toContain(`new secret of endpoint ${ID}: whsec_bmV3`);
    expect(stdout).toContain('The previous secret still signs beside it until 2026-01-02T00:00:00.000Z');
  });

  it('rotates the inbound token and says the old URL stopped working', async () => {
    // Act
    const { calls, stdout } = await runCli(['endpoint-rotate-token', ID], {
      reply: () => ok({ endpoint: anEndpointView({ inbound_url: 'https://api.example.com/prod/webhook/user-1/new-token' }) }),
    });

    // Assess
    expect(calls).toEqual([{ method: 'POST', path: `/admin/endpoints/${ID}/rotate-token`, request: {} }]);
    expect(stdout).toContain(`new inbound URL of endpoint ${ID}: https://api.example.com/prod/webhook/user-1/new-token`);
    expect(stdout).toContain('The previous inbound URL stopped working');
  });

  it('refuses to remove without --yes, sending nothing', async () => {
    // Act
    const { code, stderr, connections } = await runCli(['endpoint-remove', ID]);

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain('Pass --yes to remove it; nothing was removed');
    expect(connections).toBe(0);
  });

  it('removes with --yes', async () => {
    // Act
    const { code, calls, stdout } = await runCli(['endpoint-remove', ID, '--yes'], { reply: () => ok({ endpoint_id: ID, removed: true }) });

    // Assess
    expect(code).toBe(0);
    expect(calls).toEqual([{ method: 'DELETE', path: `/admin/endpoints/${ID}`, request: {} }]);
    expect(stdout).toBe(`removed endpoint ${ID}`);
  });
});
