import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DATA_SCHEMAS } from '../../../functions/core/data-schemas';
import { localCloudFile, readyText } from '../../../local/cloud/ready-report';

const cloud = {
  apiUrl: 'http://127.0.0.1:3000',
  apiKeys: { acme: 'key-acme-0123456789012345' },
  admin: { access_key_id: 'AKIAEXAMPLE', secret_access_key: 'secret', region: 'us-east-1' },
  signingSecrets: { payments: 'whsec_a', email: 'whsec_b' },
};

describe('the ready report', () => {
  it('writes .local-cloud.json in the documented shape', () => {
    // Act and assess
    expect(localCloudFile(cloud)).toEqual({
      api_url: 'http://127.0.0.1:3000',
      api_keys: { acme: 'key-acme-0123456789012345' },
      admin: { access_key_id: 'AKIAEXAMPLE', secret_access_key: 'secret', region: 'us-east-1' },
      signing_secrets: { payments: 'whsec_a', email: 'whsec_b' },
    });
  });

  it('prints the URL, keys, admin credentials and commands that post a job and read its status', () => {
    // Act
    const text = readyText(localCloudFile(cloud), { seconds: 12.34, file: '.local-cloud.json' });

    // Assess
    expect(text).toContain('Local cloud ready in 12.3 s');
    expect(text).toContain('API key        acme: key-acme-0123456789012345');
    expect(text).toContain('access key AKIAEXAMPLE  secret secret  region us-east-1');
    expect(text).toContain("curl -s -X POST http://127.0.0.1:3000/jobs/email -H 'x-api-key: key-acme-0123456789012345'");
    expect(text).toContain('curl -s "http://127.0.0.1:3000/jobs/$JOB_ID?wait=10"');
    expect(text).toContain("--aws-sigv4 'aws:amz:us-east-1:execute-api' --user 'AKIAEXAMPLE:secret'");
  });

  it("posts the email queue's example data, which its schema accepts", () => {
    // Act
    const text = readyText(localCloudFile(cloud), { seconds: 1, file: '.local-cloud.json' });

    // Assess
    expect(text).toContain(`-d '${JSON.stringify({ data: DATA_SCHEMAS.email.example })}'`);
  });

  it('quotes the body for the shell, single quotes in the data included', () => {
    // Prepare
    const data = { note: "it's here", sum: '$HOME `x`' };
    const text = readyText(localCloudFile(cloud), { seconds: 1, file: '.local-cloud.json', sample: { queue: 'email', data } });
    const word = /-d ('(?:[^']|'\\'')*') \|/.exec(text)?.[1] ?? '';

    // Act: what a shell makes of the printed word
    const parsed = execFileSync('bash', ['-c', `printf %s ${word}`], { encoding: 'utf8' });

    // Assess
    expect(JSON.parse(parsed)).toEqual({ data });
  });
});
