import { afterEach, describe, expect, it } from 'vitest';
import { signWebhook } from '../../../functions/processors/webhook-signature';
import { startLocalReceiver, type LocalReceiver } from '../../../local/cloud/receiver';

const SECRET = 'whsec_Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4';

describe('the local receiver', () => {
  let receiver: LocalReceiver | undefined;
  const lines: string[] = [];

  afterEach(async () => {
    await receiver?.stop();
    lines.splice(0);
  });

  const deliver = async (queue: string, secret: string | undefined): Promise<Response> => {
    const body = JSON.stringify({ job_id: 'job-1', queue, name: 'send', attempt: 2, data: { phone: '+254700000000' } });
    const headers = secret === undefined ? {} : signWebhook({ id: 'run-1', timestamp: new Date(), body, secret });
    return fetch(`${receiver?.url}/${queue}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  };

  it('answers 200 and logs queue, job, attempt and whether the signature verified with that queue’s secret', async () => {
    // Prepare
    receiver = await startLocalReceiver({ log: (line) => lines.push(line) });
    receiver.setSigningSecrets({ email: SECRET });

    // Act
    const signed = await deliver('email', SECRET);
    const forged = await deliver('email', 'whsec_b3RoZXJvdGhlcm90aGVyb3RoZXJvdGhlcm90aGVy');
    const unknown = await deliver('payments', SECRET);

    // Assess
    expect([signed.status, forged.status, unknown.status]).toEqual([200, 200, 200]);
    expect(receiver.deliveries.map((delivery) => delivery.verified)).toEqual([true, false, false]);
    expect(lines).toEqual([
      '[receiver] email job job-1 attempt 2: signature verified',
      '[receiver] email job job-1 attempt 2: signature NOT verified',
      '[receiver] payments job job-1 attempt 2: no signing secret known for this queue',
    ]);
    // Payloads may hold personal data: they are never logged.
    expect(lines.join('\n')).not.toContain('+254');
  });
});
