import { describe, expect, it } from 'vitest';
import { jobRequestSchema } from '../../../functions/core/job-request';
import { HttpError } from '../../../functions/handlers/http/http-error';
import { resolveNotifyEndpoint } from '../../../functions/handlers/workflows/notify-endpoint';
import { A_PARTNER, OTHER_PARTNER } from '../../helpers/factories';
import { AN_ENDPOINT_ID, anEndpoint, endpointLookup } from './endpoint-lookup';

const QUEUE = 'webhook-delivery';

async function refusal(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof HttpError)) throw new Error('expected an HttpError');
  return error;
}

describe('notify in a job request', () => {
  it('takes { endpoint_id } and nothing else', () => {
    // Assess
    expect(jobRequestSchema.safeParse({ data: {}, notify: { endpoint_id: AN_ENDPOINT_ID } }).success).toBe(true);
    expect(jobRequestSchema.safeParse({ data: {}, notify: { endpoint_id: 'nope' } }).success).toBe(false);
    expect(jobRequestSchema.safeParse({ data: {}, notify: { endpoint_id: AN_ENDPOINT_ID, url: 'https://x' } }).success).toBe(false);
    expect(jobRequestSchema.safeParse({ data: {}, notify: AN_ENDPOINT_ID }).success).toBe(false);
  });

  it('resolves an enabled endpoint registered for the partner', async () => {
    // Act
    const notify = await resolveNotifyEndpoint(endpointLookup([anEndpoint()]), QUEUE, { notify: { endpoint_id: AN_ENDPOINT_ID } }, A_PARTNER);

    // Assess
    expect(notify).toEqual({ endpointId: AN_ENDPOINT_ID });
  });

  it('refuses another partner\'s endpoint as unknown and a disabled one, naming notify.endpoint_id', async () => {
    // Act
    const foreign = await refusal(resolveNotifyEndpoint(endpointLookup([anEndpoint()]), QUEUE, { notify: { endpoint_id: AN_ENDPOINT_ID } }, OTHER_PARTNER));
    const disabled = await refusal(
      resolveNotifyEndpoint(endpointLookup([anEndpoint({ enabled: false })]), QUEUE, { notify: { endpoint_id: AN_ENDPOINT_ID } }, A_PARTNER),
    );

    // Assess
    expect(foreign.statusCode).toBe(400);
    expect(foreign.details).toEqual([{ field: 'notify.endpoint_id', message: 'unknown endpoint' }]);
    expect(disabled.details).toEqual([{ field: 'notify.endpoint_id', message: 'disabled endpoint' }]);
  });

  it('refuses notify on a stage with no queue delivering to endpoints, and reads nothing for a request without it', async () => {
    // Prepare
    const lookup = endpointLookup([anEndpoint()]);

    // Act
    const noQueue = await refusal(resolveNotifyEndpoint(lookup, undefined, { notify: { endpoint_id: AN_ENDPOINT_ID } }, A_PARTNER));
    const none = await resolveNotifyEndpoint(lookup, QUEUE, {}, A_PARTNER);

    // Assess
    expect(noQueue.details).toEqual([{ field: 'notify', message: 'not available on this stage' }]);
    expect(none).toBeUndefined();
    expect(lookup.reads).toEqual([]);
  });
});
