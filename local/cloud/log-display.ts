/**
 * How the local cloud shows a function's log lines on the terminal: one short
 * line per event, `12:01:02.345 consumer-payments INFO batch done
 * queue=payments completed=2 completed_jobs=j1,j2`. The functions still write JSON, as they do on
 * AWS, and the meter counts those bytes; only what the terminal shows changes.
 */

/**
 * Keys every record of a function carries whatever the event: the record's
 * frame, and the context Powertools can add (function, memory, request,
 * trace). The terminal line already says the time, the function and the level.
 */
const CONTEXT_KEYS: ReadonlySet<string> = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'request_id',
  'sampling_rate',
  'xray_trace_id',
  'tenant_id',
]);

/** A value shown bare when it has no space, quote or `=` in it; quoted (JSON) otherwise. */
const BARE_VALUE = /^[^\s"=]+$/;

/**
 * One line of a function's output as the terminal shows it:
 * - a Powertools record (a JSON object with a `level`): time, function, level,
 *   message, then the event's own keys as `key=value`, without the context
 *   every line carries (ARN, memory, request id, service, cold start, X-Ray id,
 *   sampling rate); an error shows as its name, message and code location;
 * - an embedded-metric-format line (with `_aws`): time, function, `METRICS`,
 *   then its dimensions and values;
 * - anything else, as it is, after the time and the function.
 *
 * The time is the record's own `timestamp` when it has one, else `receivedAt`
 * (the local cloud shows lines as they arrive), as the machine's local time
 * of day.
 *
 * @example
 * displayLogLine('{"level":"INFO","message":"job completed","service":"consumer-payments","job_id":"j1","attempt":1}', 'consumer-payments', new Date());
 * // '12:01:02.345 consumer-payments INFO job completed job_id=j1 attempt=1'
 */
export function displayLogLine(line: string, label: string, receivedAt: Date): string {
  const record = jsonObject(line);
  if (record === undefined) return `${clockTime(receivedAt)} ${label} ${line}`;
  const metrics = record._aws;
  if (isObject(metrics)) {
    const at = typeof metrics.Timestamp === 'number' ? new Date(metrics.Timestamp) : receivedAt;
    return joined([clockTime(at), label, 'METRICS', ...pairs(record, (key) => key !== '_aws' && key !== 'service')]);
  }
  if (typeof record.level !== 'string') return `${clockTime(receivedAt)} ${label} ${line}`;
  const stamped = typeof record.timestamp === 'string' ? new Date(record.timestamp) : receivedAt;
  const at = Number.isNaN(stamped.getTime()) ? receivedAt : stamped;
  const message = typeof record.message === 'string' ? record.message : shown(record.message);
  return joined([clockTime(at), label, record.level, message, ...pairs(record, (key) => !CONTEXT_KEYS.has(key))]);
}

/** `HH:MM:SS.mmm` in the machine's time zone: the terminal sits beside the developer's clock. */
export function clockTime(at: Date): string {
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}.${String(at.getMilliseconds()).padStart(3, '0')}`;
}

function joined(parts: readonly string[]): string {
  return parts.filter((part) => part !== '').join(' ');
}

function pairs(record: Record<string, unknown>, keep: (key: string) => boolean): string[] {
  return Object.entries(record)
    .filter(([key, value]) => keep(key) && value !== undefined)
    .map(([key, value]) => `${key}=${shown(value)}`);
}

function shown(value: unknown): string {
  if (typeof value === 'string') return BARE_VALUE.test(value) ? value : JSON.stringify(value);
  // A list of jobs (a batch's completed jobs) shows their ids: the rest of each entry stays in the JSON.
  if (isJobList(value)) return value.map((entry) => entry.job_id).join(',');
  if (isErrorRecord(value)) return JSON.stringify(errorText(value));
  return JSON.stringify(value) ?? String(value);
}

/** `Name: message (where)`, and its cause after it: the stack stays in the JSON the function wrote. */
function errorText(error: ErrorRecord): string {
  const where = typeof error.location === 'string' && error.location !== '' ? ` (${error.location})` : '';
  const cause = isErrorRecord(error.cause) ? `; cause: ${errorText(error.cause)}` : '';
  return `${error.name}: ${error.message}${where}${cause}`;
}

/** An error as Powertools writes it. */
interface ErrorRecord {
  readonly name: string;
  readonly message: string;
  readonly location?: unknown;
  readonly cause?: unknown;
}

/** Powertools writes an error as `{ name, location, message, stack, cause? }`. */
function isErrorRecord(value: unknown): value is ErrorRecord {
  return isObject(value) && typeof value.name === 'string' && typeof value.message === 'string' && 'stack' in value;
}

/** A non-empty array of records that each carry a `job_id`. */
function isJobList(value: unknown): value is readonly { readonly job_id: string }[] {
  return Array.isArray(value) && value.length > 0 && value.every((entry) => isObject(entry) && typeof entry.job_id === 'string');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonObject(line: string): Record<string, unknown> | undefined {
  // Only a line that looks like an object is parsed: most non-JSON output is skipped without a throw.
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(line);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
