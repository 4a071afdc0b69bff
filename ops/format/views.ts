import { SNAPSHOT_MAX_AGE_MS } from '../../functions/core/health-snapshot';
import { counted } from '../../functions/core/wording';
import { list, num, shorten, text, type Json } from './json-read';
import { renderTable, right, type Column } from './table';

export type { Json } from './json-read';

/** `queues`: one row per queue, then one per lane of laned queues, indented. */
export function queuesTable(body: Json): string {
  const rows = list(body.queues).flatMap((queue) => {
    const lanes = list(queue.lanes);
    const laneRows = lanes.length > 1 ? lanes.map((lane) => ({ ...lane, queue: `  ${text(lane.lane) ?? '?'}`, lane: true })) : [];
    return [queue, ...laneRows];
  });
  const columns: Column<Json>[] = [
    { heading: 'queue', cell: (row) => text(row.queue) },
    right('waiting', (row) => num(row.waiting)),
    right('active', (row) => num(row.active)),
    right('delayed', (row) => num(row.delayed)),
    right('done 24h', (row) => (row.lane === true ? '' : num(row.completed_24h))),
    right('failed', (row) => (row.lane === true ? '' : num(row.failed))),
    right('failed 24h', (row) => (row.lane === true ? '' : num(row.failed_24h))),
    right('retried 24h', (row) => (row.lane === true ? '' : num(row.retried_24h))),
    right('dlq', (row) => (row.lane === true ? '' : num(row.dlq))),
    right('dlq age s', (row) => (row.lane === true ? '' : num(row.dlq_oldest_age_seconds))),
    { heading: 'paused', cell: (row) => (row.lane === true ? '' : row.paused === true) },
  ];
  const note = text((body.notes as Json | undefined)?.oldest_message_age);
  return [renderTable(columns, rows), ...(note === undefined ? [] : ['', `note: ${note}`])].join('\n');
}

/** `metrics`: one row per minute, then the totals. */
export function metricsTable(body: Json): string {
  const totals = (body.totals ?? {}) as Json;
  const columns: Column<Json>[] = [
    { heading: 'minute (UTC)', cell: (row) => text(row.minute) },
    right('completed', (row) => num(row.completed)),
    right('failed', (row) => num(row.failed)),
    right('retried', (row) => num(row.retried)),
    right('dead-lettered', (row) => num(row.dead_lettered)),
    right('mean ms', (row) => num(row.mean_processing_ms)),
  ];
  return renderTable(columns, [...list(body.series), { ...totals, minute: 'total' }]);
}

/** `failed`: one row per job, and how to get the next page. */
export function failedTable(body: Json, queue: string): string {
  const columns: Column<Json>[] = [
    { heading: 'job', cell: (row) => text(row.job_id) },
    { heading: 'failed at', cell: (row) => text(row.failed_at) },
    { heading: 'category', cell: (row) => text(row.category) },
    right('attempts', (row) => `${num(row.attempts) ?? '?'}/${num(row.max_attempts) ?? '?'}`),
    right('bytes', (row) => num(row.payload_bytes)),
    { heading: 'reason', cell: (row) => shorten(text(row.reason), 60) },
  ];
  const next = text(body.next_cursor);
  return [renderTable(columns, list(body.jobs)), ...(next === undefined ? [] : ['', `more: npm run ops -- failed ${queue} --cursor ${next}`])].join('\n');
}

/** A redrive task's progress on one line: status, moved of total, rate. */
export function progressLine(queue: string, task: Json | null | undefined): string {
  if (task === null || task === undefined) return `${queue}: no redrive has run`;
  const toMove = num(task.to_move);
  const moved = num(task.moved) ?? 0;
  const rate = num(task.max_per_second);
  const failure = text(task.failure_reason);
  return `${queue}: redrive ${text(task.status) ?? '?'} ${moved}${toMove === undefined ? '' : `/${toMove}`} moved${rate === undefined ? '' : ` at ≤ ${rate}/s`}${failure === undefined ? '' : ` (${failure})`}`;
}

/** The count fields of `GET /queue/status`, in column order. */
const STATUS_COUNTS = [
  ['waiting', 'waiting'],
  ['active', 'active'],
  ['delayed', 'delayed'],
  ['completed', 'done 24h'],
  ['failed', 'failed'],
  ['dlq', 'dlq'],
  ['total', 'total'],
] as const;

/** `status`: `GET /queue/status` as one row per queue, a total row, and how old the shared snapshot is. */
export function statusTable(body: Json): string {
  const queues = (typeof body.queues === 'object' && body.queues !== null ? body.queues : {}) as Record<string, Json>;
  const rows: Json[] = Object.entries(queues).map(([name, counts]) => ({ ...counts, queue: name }));
  const totals: Json = { queue: 'total' };
  for (const [field] of STATUS_COUNTS) totals[field] = rows.reduce((sum, row) => sum + (num(row[field]) ?? 0), 0);
  const columns: Column<Json>[] = [
    { heading: 'queue', cell: (row) => text(row.queue) },
    ...STATUS_COUNTS.map(([field, heading]) => right<Json>(heading, (row) => num(row[field]))),
  ];
  const age = num(body.age_seconds);
  const computedAt = text(body.computed_at);
  const howOld = age === undefined ? '' : ` (${counted(age, 'second')} old: the counts are shared and refreshed at most every ${counted(SNAPSHOT_MAX_AGE_MS / 1000, 'second')})`;
  const asOf = computedAt === undefined ? [] : ['', `counts as of ${computedAt}${howOld}`];
  return [renderTable(columns, rows.length === 0 ? [] : [...rows, totals]), ...asOf].join('\n');
}
