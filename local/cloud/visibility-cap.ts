import type { QueueSpec } from './provision-queues';

/**
 * The queues with their visibility timeout cut to at most `seconds`: a time
 * compression for tests, so that a batch whose function died comes back in
 * seconds rather than after the template's 6 × the function timeout (40
 * minutes and more). Messages a consumer returns with its own visibility are
 * not affected. Keep `seconds` above the consumers' job lease, or a batch still
 * running comes back while it runs (harmless by design, but not what AWS does).
 */
export function withVisibilityAtMost(specs: readonly QueueSpec[], seconds: number | undefined): QueueSpec[] {
  if (seconds === undefined) return [...specs];
  return specs.map((spec) => {
    const current = Number(spec.attributes.VisibilityTimeout ?? 30);
    return current <= seconds ? spec : { ...spec, attributes: { ...spec.attributes, VisibilityTimeout: String(seconds) } };
  });
}
