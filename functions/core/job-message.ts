import { z } from 'zod';
import { PRIORITY_ORDER, type PriorityLevel } from './priority';
import type { JobMessage } from './job';

/** The body of a queue message, checked when a consumer receives it. */
export const jobMessageSchema = z.object({
  jobId: z.string().min(1),
  runId: z.string().min(1),
  queue: z.string().min(1),
  name: z.string().min(1),
  data: z.unknown(),
  priority: z.enum(PRIORITY_ORDER as [PriorityLevel, ...PriorityLevel[]]),
  correlationId: z.string().optional(),
  groupId: z.string().optional(),
  partner: z.string().min(1).optional(),
});

/** Serializes a job message for a queue. */
export function encodeJobMessage(message: JobMessage): string {
  return JSON.stringify(message);
}

/**
 * Parses a queue message body; throws a `ZodError` or `SyntaxError` for a body
 * that is not a job message.
 */
export function decodeJobMessage(body: string): JobMessage {
  return jobMessageSchema.parse(JSON.parse(body)) as JobMessage;
}
