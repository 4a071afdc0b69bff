import * as z from './validation';

/** A progress object may be at most this large, serialized (a number always fits). */
export const MAX_PROGRESS_OBJECT_BYTES = 1024;

/** The longest a progress token may be (the claim writes 22 characters; longer is a wrong token without a read). */
export const MAX_PROGRESS_TOKEN_LENGTH = 64;

const PROGRESS_MESSAGE = 'progress must be a number from 0 to 100, or a JSON object of at most 1 KB';

/**
 * The body of `POST /jobs/{id}/progress`: `{ "progress": <0–100> }` or
 * `{ "progress": { … } }` (an object whose JSON is at most
 * {@link MAX_PROGRESS_OBJECT_BYTES}), as BullMQ's `job.updateProgress()`
 * takes. Built on first use, as the job request schema is.
 *
 * @example
 * progressRequestSchema.parse({ progress: 42 }); // { progress: 42 }
 */
export const progressRequestSchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject(
    {
      progress: z.union(
        [
          z
            .number({ error: PROGRESS_MESSAGE })
            .check(z.minimum(0, { error: PROGRESS_MESSAGE }), z.maximum(100, { error: PROGRESS_MESSAGE })),
          z
            .record(z.string(), z.unknown(), { error: PROGRESS_MESSAGE })
            .check(z.refine((value) => Buffer.byteLength(JSON.stringify(value), 'utf8') <= MAX_PROGRESS_OBJECT_BYTES, { error: PROGRESS_MESSAGE })),
        ],
        { error: PROGRESS_MESSAGE },
      ),
    },
    { error: 'the body must be a JSON object such as { "progress": 50 }' },
  ),
);

/** A checked progress report. */
export type ProgressRequest = z.output<typeof progressRequestSchema>;

/**
 * The URL a delivery names in its `webhook-progress-url` header: the API's
 * progress route for this job, with the attempt's token as the credential.
 *
 * @example
 * progressUrlOf('https://abc.execute-api.eu-west-1.amazonaws.com/v1', 'job-1', 'tok');
 * // 'https://abc.execute-api.eu-west-1.amazonaws.com/v1/jobs/job-1/progress?token=tok'
 */
export function progressUrlOf(apiBaseUrl: string, jobId: string, token: string): string {
  return `${apiBaseUrl.replace(/\/+$/, '')}/jobs/${encodeURIComponent(jobId)}/progress?token=${encodeURIComponent(token)}`;
}
