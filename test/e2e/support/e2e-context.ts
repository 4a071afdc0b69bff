import { inject } from 'vitest';
import { signedAdminApi, type AdminApi } from '../../../ops/admin-api';

/** What the end-to-end global setup hands every test file. */
export interface E2eCloud {
  readonly apiUrl: string;
  readonly apiKeys: Record<string, string>;
  readonly admin: { readonly access_key_id: string; readonly secret_access_key: string; readonly region: string };
  readonly targetUrl: string;
  /** The synthesized assembly the cloud runs. */
  readonly cdkOut: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2eCloud: E2eCloud;
  }
}

/** The running local cloud of this end-to-end run. */
export function e2eCloud(): E2eCloud {
  return inject('e2eCloud');
}

/** A partner's call to the API. */
export async function partnerCall(path: string, init: { method?: string; body?: unknown; key?: string | null } = {}) {
  const cloud = e2eCloud();
  const key = init.key === undefined ? cloud.apiKeys.acme : init.key;
  const response = await fetch(`${cloud.apiUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...(key === null || key === undefined ? {} : { 'x-api-key': key }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, json: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> };
}

/** Posts a job as partner acme; returns its id. */
export async function postJob(queue: string, body: Record<string, unknown>): Promise<string> {
  const answer = await partnerCall(`/jobs/${queue}`, { body });
  if (answer.status !== 202) throw new Error(`job not accepted: ${answer.status} ${JSON.stringify(answer.json)}`);
  return answer.json.job_id as string;
}

/** Reads a job, waiting up to `wait` seconds for a final state. */
export async function jobStatus(jobId: string, wait = 0): Promise<Record<string, unknown>> {
  return (await partnerCall(`/jobs/${jobId}${wait > 0 ? `?wait=${wait}` : ''}`)).json;
}

/** Polls until a job has the status, failing after `timeoutMs`. */
export async function untilStatus(jobId: string, status: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await jobStatus(jobId, 5);
    if (job.status === status) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} is ${String(job.status)}, not ${status}, after ${timeoutMs} ms`);
  }
}

/** The deliveries the target got for a job. */
export async function deliveriesOf(jobId: string): Promise<{ queue: string; attempt: number; verified: boolean; at: number }[]> {
  const response = await fetch(`${e2eCloud().targetUrl}/_deliveries?job_id=${encodeURIComponent(jobId)}`);
  return (await response.json()) as { queue: string; attempt: number; verified: boolean; at: number }[];
}

/**
 * Makes a queue's target refuse (400) or accept again; with `only`, it refuses
 * only the jobs whose data has that `tag` (other files share the cloud and its queues).
 */
export async function setTarget(queue: string, state: 'down' | 'up', options: { readonly only?: string } = {}): Promise<void> {
  const query = options.only === undefined ? '' : `?only=${encodeURIComponent(options.only)}`;
  await fetch(`${e2eCloud().targetUrl}/_control/${queue}/${state}${query}`, { method: 'POST' });
}

/** The admin API, signed with the local cloud's admin credentials. */
export function adminApi(credentials?: { accessKeyId: string; secretAccessKey: string }): AdminApi {
  const cloud = e2eCloud();
  return signedAdminApi({
    apiUrl: cloud.apiUrl,
    region: cloud.admin.region,
    source: 'local-cloud',
    credentials: async () => credentials ?? { accessKeyId: cloud.admin.access_key_id, secretAccessKey: cloud.admin.secret_access_key },
  });
}
