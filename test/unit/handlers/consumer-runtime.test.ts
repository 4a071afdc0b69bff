import { describe, expect, it } from 'vitest';
import { parseQueueDefinition } from '../../../functions/core/queue-config';
import { consumerRuntime } from '../../../functions/handlers/consumer-runtime';
import { EndpointGate } from '../../../functions/handlers/workflows/endpoint-gate';
import { catalog } from '../../../lib/catalog';

/** A consumer's environment for a catalog queue, as the stack sets it (the secret given directly, as tests may). */
function environmentFor(queue: string): Record<string, string> {
  const entry = catalog.find((candidate) => candidate.name === queue);
  if (!entry) throw new Error(`no catalog entry ${queue}`);
  return {
    TABLE_NAME: 'jobs',
    QUEUE_URL_BASE: 'https://sqs.eu-west-1.amazonaws.com/123456789012',
    QUEUE_NAME_PREFIX: 'jobs-dev',
    QUEUE_SETTINGS: JSON.stringify(parseQueueDefinition(entry)),
    TARGET_URL: 'https://processor.example.com/jobs',
    SIGNING_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  };
}

describe('consumerRuntime', () => {
  it('checks endpoints’ breakers before claims on a queue whose jobs may name an endpoint', () => {
    // Act
    const deps = consumerRuntime(environmentFor('webhook-delivery'));

    // Assess
    expect(deps.definition.endpoints).toBe(true);
    expect(deps.endpointGate).toBeInstanceOf(EndpointGate);
  });

  it('has no breaker gate on a queue whose jobs all go to its fixed target', () => {
    // Act
    const deps = consumerRuntime(environmentFor('payments'));

    // Assess
    expect(deps.definition.endpoints).toBe(false);
    expect(deps.endpointGate).toBeUndefined();
  });
});
