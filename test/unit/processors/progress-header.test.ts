import { describe, expect, it, vi } from 'vitest';
import type { Processor, ProcessorContext } from '../../../functions/processors/processor';
import { buildWebhookRequest } from '../../../functions/processors/webhook-request';
import { generateSigningSecret } from '../../../functions/processors/webhook-signature';
import { runWithTimeout } from '../../../functions/handlers/workflows/run-with-timeout';
import { progressUrlOf } from '../../../functions/core/job-progress';
import { aJobMessage, FIXED_NOW } from '../../helpers/factories';

const secret = generateSigningSecret();
const PROGRESS_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com/v1/jobs/job-1/progress?token=tok-1';

describe('the webhook-progress-url header', () => {
  it('names the attempt\'s progress URL, which a static header of the same name cannot replace', () => {
    // Act
    const { headers } = buildWebhookRequest({
      job: aJobMessage(),
      attempt: 1,
      timestamp: FIXED_NOW,
      secret,
      userAgent: 'test/1',
      headers: { 'Webhook-Progress-Url': 'https://attacker.example/steal' },
      progressUrl: PROGRESS_URL,
    });

    // Assess
    expect(headers['webhook-progress-url']).toBe(PROGRESS_URL);
    expect(Object.keys(headers).filter((name) => name.toLowerCase() === 'webhook-progress-url')).toHaveLength(1);
  });

  it('is left out when the attempt has no progress URL', () => {
    // Act
    const { headers } = buildWebhookRequest({ job: aJobMessage(), attempt: 1, timestamp: FIXED_NOW, secret, userAgent: 'test/1' });

    // Assess
    expect(headers).not.toHaveProperty('webhook-progress-url');
  });

  it('is built under the API base URL, the job id and token escaped', () => {
    // Act
    const url = progressUrlOf('https://abc123.execute-api.eu-west-1.amazonaws.com/v1/', 'd-abc_1', 'a+b/c');

    // Assess
    expect(url).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/v1/jobs/d-abc_1/progress?token=a%2Bb%2Fc');
  });

  it('reaches the processor in its context through runWithTimeout', async () => {
    // Prepare
    const processor = vi.fn<Processor>().mockResolvedValue('done');
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };

    // Act
    await runWithTimeout(processor, aJobMessage(), { attempt: 2, timeoutMs: 1000, logger, progressUrl: PROGRESS_URL });

    // Assess
    const context = processor.mock.calls[0]?.[1] as ProcessorContext;
    expect(context).toMatchObject({ attempt: 2, progressUrl: PROGRESS_URL });
  });
});
