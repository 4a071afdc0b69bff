import { counted } from '../../functions/core/wording';
import { list, num, object, shorten, text, type Json } from './json-read';
import { renderFields, renderTable, right, type Column } from './table';

/** Circuit states as the CLI words them. */
const CIRCUIT_WORDS: Readonly<Record<string, string>> = { closed: 'closed', open: 'open', half_open: 'half-open (one probe goes through)' };

/** Why an endpoint is disabled, as the CLI words it. */
const DISABLED_WORDS: Readonly<Record<string, string>> = { operator: 'disabled by an operator', gone: 'it answered 410 Gone' };

/** Body formats as the CLI words them. */
const BODY_WORDS: Readonly<Record<string, string>> = {
  raw: 'raw: the original payload, byte for byte (signed)',
  envelope: 'envelope: the job envelope as JSON (signed)',
};

/**
 * A URL as host and path, cut to `max` characters: enough to tell endpoints
 * apart in a table without the query (which may carry a token).
 *
 * @example
 * shortUrl('https://app.example.com/hooks/mpesa?key=1'); // 'app.example.com/hooks/mpesa'
 */
export function shortUrl(url: string | undefined, max = 40): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return shorten(`${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`, max);
  } catch {
    return shorten(url, max);
  }
}

const circuitState = (endpoint: Json): string | undefined => {
  const state = text(object(endpoint.circuit)?.state);
  return state === undefined ? undefined : (CIRCUIT_WORDS[state] ?? state);
};

/** The options `endpoints` was given, to print the command for the next page. */
export interface EndpointsQuery {
  readonly user?: string;
  readonly limit?: number;
}

/** `endpoints`: one row per endpoint, and how to get the next page. */
export function endpointsTable(body: Json, query: EndpointsQuery = {}): string {
  const columns: Column<Json>[] = [
    { heading: 'endpoint', cell: (row) => text(row.endpoint_id) },
    { heading: 'user', cell: (row) => text(row.user_id) },
    { heading: 'url', cell: (row) => shortUrl(text(row.url)) },
    { heading: 'body', cell: (row) => text(row.body) },
    { heading: 'enabled', cell: (row) => (row.enabled === true ? 'yes' : row.enabled === false ? `no${disabledWhy(row, ' (', ')')}` : undefined) },
    { heading: 'circuit', cell: (row) => text(object(row.circuit)?.state)?.replace('_', '-') },
    right('failures in a row', (row) => num(object(row.circuit)?.consecutive_failures)),
  ];
  const cursor = text(body.cursor);
  const options = [...(query.user === undefined ? [] : [`--user ${query.user}`]), ...(query.limit === undefined ? [] : [`--limit ${query.limit}`])];
  const more = cursor === undefined ? [] : ['', `more: npm run ops -- endpoints ${[...options, `--cursor ${cursor}`].join(' ')}`];
  return [renderTable(columns, list(body.endpoints)), ...more].join('\n');
}

function disabledWhy(endpoint: Json, before: string, after: string): string {
  const reason = text(endpoint.disabled_reason);
  return reason === undefined ? '' : `${before}${reason === 'gone' ? '410 Gone' : reason}${after}`;
}

/** What `endpoint <id>` shows of the secret and header values. */
export interface DetailOptions {
  /** Print the signing secret and the static header values (hidden otherwise). */
  readonly showSecret?: boolean;
}

/** `endpoint <id>`: the endpoint one field per line; its secret and header values only when asked. */
export function endpointDetail(endpoint: Json, options: DetailOptions = {}): string {
  const circuit = object(endpoint.circuit) ?? {};
  const lastFailure = object(endpoint.last_failure);
  const counts = object(endpoint.counts);
  const headers = Object.entries(object(endpoint.headers) ?? {});
  const threshold = num(circuit.failure_threshold);
  const cooldown = num(circuit.cooldown_seconds);
  const signing = num(endpoint.secrets_signing);
  const previousUntil = text(endpoint.previous_secret_expires_at);
  const secret = text(endpoint.secret);
  return renderFields([
    ['endpoint', text(endpoint.endpoint_id)],
    ['user', text(endpoint.user_id)],
    ['url', text(endpoint.url)],
    ['description', text(endpoint.description)],
    ['partner', text(endpoint.partner) ?? '(none: inbound callbacks only)'],
    ['body', BODY_WORDS[text(endpoint.body) ?? ''] ?? text(endpoint.body)],
    ['headers', headers.length === 0 ? '(none)' : headers.map(([name, value]) => `${name}: ${options.showSecret === true ? String(value) : '(hidden; --show-secret prints it)'}`).join('\n')],
    ['enabled', endpoint.enabled === true ? 'yes' : endpoint.enabled === false ? `no${disabledWords(endpoint)}` : undefined],
    ['inbound URL', text(endpoint.inbound_url)],
    ['circuit', circuitState(endpoint)],
    ['  opens after', threshold === undefined ? undefined : `${counted(threshold, 'retryable failure')} in a row`],
    ['  cool-down', cooldown === undefined ? undefined : counted(cooldown, 'second')],
    ['  failures in a row', num(circuit.consecutive_failures)],
    ['  opened at', text(circuit.opened_at)],
    ['  retry after', text(circuit.retry_after)],
    ['last failure', lastFailure === undefined ? 'none' : failureLine(lastFailure)],
    ['counts', counts === undefined ? undefined : `${counted(num(counts.failures) ?? 0, 'failed delivery', 'failed deliveries')}; the circuit opened ${counted(num(counts.circuit_opens) ?? 0, 'time')}`],
    ['secrets signing', signing === undefined ? undefined : `${signing}${previousUntil === undefined ? '' : ` (the previous secret until ${previousUntil})`}`],
    ['secret', secret === undefined ? undefined : options.showSecret === true ? secret : '(hidden; --show-secret prints it)'],
    ['created', text(endpoint.created_at)],
    ['updated', text(endpoint.updated_at)],
  ]);
}

function disabledWords(endpoint: Json): string {
  const reason = text(endpoint.disabled_reason);
  return reason === undefined ? '' : `: ${DISABLED_WORDS[reason] ?? reason}`;
}

function failureLine(failure: Json): string {
  const status = num(failure.status);
  return `${text(failure.at) ?? '?'} ${text(failure.category) ?? '?'}${status === undefined ? '' : ` (HTTP ${status})`}: ${shorten(text(failure.message), 120) ?? ''}`;
}

/** `endpoint-add`: the new endpoint's id, its secret (to store now) and its inbound URL (to paste into Daraja). */
export function endpointAdded(endpoint: Json): string {
  const id = text(endpoint.endpoint_id) ?? '?';
  return [
    `added endpoint ${id} for user ${text(endpoint.user_id) ?? '?'} (${text(endpoint.body) ?? 'envelope'} body)`,
    `secret: ${text(endpoint.secret) ?? '?'}`,
    `  Store it now in the user's app: it verifies each delivery's signature. Only \`npm run ops -- endpoint ${id} --show-secret\` prints it again.`,
    `inbound URL: ${text(endpoint.inbound_url) ?? '?'}`,
    '  Paste it into Daraja as the callback URL: callbacks posted to it are delivered to this endpoint.',
  ].join('\n');
}

/** `endpoint-change`: which fields changed, then the endpoint as it is now. */
export function endpointChanged(endpoint: Json, changed: readonly string[]): string {
  return [`changed ${changed.join(', ')} of endpoint ${text(endpoint.endpoint_id) ?? '?'}:`, '', endpointDetail(endpoint)].join('\n');
}

/** `endpoint-rotate-secret`: the new secret, and until when the previous one still signs. */
export function secretRotated(endpoint: Json): string {
  const until = text(endpoint.previous_secret_expires_at);
  return [
    `new secret of endpoint ${text(endpoint.endpoint_id) ?? '?'}: ${text(endpoint.secret) ?? '?'}`,
    "  Store it now in the user's app.",
    until === undefined
      ? '  The previous secret no longer signs.'
      : `  The previous secret still signs beside it until ${until}: each delivery carries both signatures until then.`,
  ].join('\n');
}

/** `endpoint-rotate-token`: the new inbound URL, and that the old one stopped working. */
export function tokenRotated(endpoint: Json): string {
  return [
    `new inbound URL of endpoint ${text(endpoint.endpoint_id) ?? '?'}: ${text(endpoint.inbound_url) ?? '?'}`,
    '  The previous inbound URL stopped working (its callbacks get 404): paste the new one into Daraja.',
  ].join('\n');
}
