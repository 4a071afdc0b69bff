import type { Column } from './table';
import { renderTable } from './table';

/** A JSON object from the API, read loosely: the CLI shows what it gets. */
export type Json = Record<string, unknown>;

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter((item): item is Json => typeof item === 'object' && item !== null) : []);
const right = <Row>(heading: string, cell: Column<Row>['cell']): Column<Row> => ({ heading, cell, align: 'right' });

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

function shorten(value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  const flat = value.replace(/\s+/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
