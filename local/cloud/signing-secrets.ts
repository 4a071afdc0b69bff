import { signingSecretOf } from '../../functions/processors/webhook-signature';
import type { SecretStore } from './http/secrets-manager-api';
import type { FunctionSpec } from './lambda-host';

/**
 * Each queue's webhook signing secret, as a receiver verifies deliveries with
 * it (`whsec_<key>`). This is the one place the local cloud knows something of
 * this project beyond CloudFormation: a consumer function's environment names
 * its queue (`QUEUE_SETTINGS.name`) and its signing secret
 * (`SIGNING_SECRET_ARN`, or `SIGNING_SECRET` itself), and the stored secret is
 * read with the consumers' own `signingSecretOf`.
 *
 * @example
 * signingSecretsByQueue(functions, secretStore); // { payments: 'whsec_…', … }
 */
export function signingSecretsByQueue(functions: readonly FunctionSpec[], secrets: SecretStore): Record<string, string> {
  const result: Record<string, string> = {};
  for (const fn of functions) {
    const queue = queueNameOf(fn.environment.QUEUE_SETTINGS);
    if (queue === undefined) continue;
    const arn = fn.environment.SIGNING_SECRET_ARN;
    const stored = arn === undefined ? fn.environment.SIGNING_SECRET : secrets.get(arn)?.value;
    if (stored !== undefined && stored !== '') result[queue] = signingSecretOf(stored);
  }
  return result;
}

function queueNameOf(settings: string | undefined): string | undefined {
  if (settings === undefined) return undefined;
  try {
    const parsed = JSON.parse(settings) as { name?: unknown };
    return typeof parsed.name === 'string' ? parsed.name : undefined;
  } catch {
    return undefined;
  }
}
