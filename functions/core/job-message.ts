import * as z from './validation';
import { BACKOFF_TYPE, type BackoffType } from './backoff';
import { PRIORITY_ORDER, type PriorityLevel } from './priority';
import type { JobMessage } from './job';

/** The body of a queue message, checked when a consumer receives it. */
export const jobMessageSchema = z.object({
  jobId: z.string().check(z.minLength(1)),
  runId: z.string().check(z.minLength(1)),
  queue: z.string().check(z.minLength(1)),
  name: z.string().check(z.minLength(1)),
  data: z.unknown(),
  priority: z.enum(PRIORITY_ORDER as [PriorityLevel, ...PriorityLevel[]]),
  correlationId: z.optional(z.string()),
  groupId: z.optional(z.string()),
  partner: z.optional(z.string().check(z.minLength(1))),
  endpointId: z.optional(z.string().check(z.minLength(1))),
  raw: z.optional(z.string()),
  backoff: z.optional(
    z.object({
      type: z.enum(Object.values(BACKOFF_TYPE) as [BackoffType, ...BackoffType[]]),
      delayMs: z.number().check(z.int(), z.nonnegative()),
    }),
  ),
  notify: z.optional(z.object({ endpointId: z.string().check(z.minLength(1)) })),
  unindexed: z.optional(z.literal(true)),
});

/** Serializes a job message for a queue. */
export function encodeJobMessage(message: JobMessage): string {
  return JSON.stringify(message);
}

/**
 * Parses a queue message body; throws a zod error (`$ZodError`, with `issues`) or a `SyntaxError` for a body
 * that is not a job message.
 */
export function decodeJobMessage(body: string): JobMessage {
  return jobMessageSchema.parse(JSON.parse(body)) as JobMessage;
}
