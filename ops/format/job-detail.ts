import { list, num, object, shorten, text, type Json } from './json-read';
import { renderFields, renderTable, right, type Column } from './table';

/** How much of a job's result the text view shows; `--json` shows all of it. */
const RESULT_CHARS = 200;

/** `job <id>`: the job one field per line, then its attempts as a table. */
export function jobDetail(body: Json): string {
  const error = object(body.error);
  const attempts = num(body.attempts);
  const maxAttempts = num(body.max_attempts);
  const fields = renderFields([
    ['job', text(body.job_id)],
    ['queue', text(body.queue)],
    ['name', text(body.name)],
    ['status', text(body.status)],
    ['priority', text(body.priority)],
    ['attempts', attempts === undefined ? undefined : `${attempts} of ${maxAttempts ?? '?'}`],
    ['partner', text(body.partner)],
    ['group', text(body.group_id)],
    ['created', text(body.created_at)],
    ['updated', text(body.updated_at)],
    ['due', text(body.due_at)],
    ['error', error === undefined ? undefined : `${text(error.category) ?? '?'}: ${text(error.message) ?? ''}`],
    ['result', body.result === undefined ? undefined : shorten(JSON.stringify(body.result), RESULT_CHARS)],
  ]);
  const columns: Column<Json>[] = [
    right('attempt', (row) => num(row.attempt)),
    { heading: 'at', cell: (row) => text(row.at) },
    { heading: 'outcome', cell: (row) => text(row.outcome) },
    { heading: 'category', cell: (row) => text(row.category) },
    right('ms', (row) => num(row.duration_ms)),
    right('retry in ms', (row) => num(row.retry_in_ms)),
    { heading: 'message', cell: (row) => shorten(text(row.message), 60) },
  ];
  return [fields, '', 'history', renderTable(columns, list(body.history))].join('\n');
}
