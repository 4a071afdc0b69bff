import type { Connection } from './connection';
import { OpsError } from './errors';
import { signRequest } from './signing';

/** An answer of the admin API: its status and parsed body. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A request to an admin route. */
export interface ApiRequest {
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
}

/** The admin API as the commands see it. */
export interface AdminApi {
  request(method: string, path: string, request?: ApiRequest): Promise<ApiAnswer>;
}

/**
 * The admin API over HTTPS, every request signed with SigV4 (service
 * `execute-api`) by the connection's credentials.
 *
 * @example
 * const api = signedAdminApi(connection);
 * const { status, body } = await api.request('GET', '/admin/queues');
 */
export function signedAdminApi(connection: Connection, fetchImpl: typeof fetch = fetch): AdminApi {
  return {
    async request(method, path, request = {}) {
      const url = new URL(`${connection.apiUrl}${path}`);
      for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
      const body = request.body === undefined ? undefined : JSON.stringify(request.body);
      const headers = await signRequest(
        { method, url, ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }) },
        { credentials: await connection.credentials(), region: connection.region },
      );
      let response: Response;
      try {
        response = await fetchImpl(url, { method, headers, ...(body === undefined ? {} : { body }) });
      } catch (error) {
        throw new OpsError(`cannot reach ${connection.apiUrl}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? {} : JSON.parse(text);
      } catch {
        parsed = { ok: false, error: { code: 'not_json', message: text.slice(0, 200) } };
      }
      const record = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed };
      return { status: response.status, body: record };
    },
  };
}
