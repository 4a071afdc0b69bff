/** A table column: its heading, how to read a row's cell, and which side it aligns to. */
export interface Column<Row> {
  readonly heading: string;
  readonly cell: (row: Row) => string | number | boolean | null | undefined;
  /** @default 'left' - numbers read better right-aligned: pass 'right' */
  readonly align?: 'left' | 'right';
}

/** How a cell value reads: `-` for none (an empty string stays blank: a cell left out on purpose). */
export function cellText(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/**
 * A plain-text table: a heading row, a rule, then one row per entry, columns
 * padded to their widest cell. An empty list reads `(none)` under the rule.
 *
 * @example
 * renderTable([{ heading: 'queue', cell: (row) => row.name }], [{ name: 'email' }]);
 * // 'queue\n-----\nemail'
 */
export function renderTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = rows.map((row) => columns.map((column) => cellText(column.cell(row))));
  const widths = columns.map((column, index) => Math.max(column.heading.length, ...cells.map((line) => (line[index] ?? '').length)));
  const line = (values: readonly string[]) =>
    values
      .map((value, index) => (columns[index]?.align === 'right' ? value.padStart(widths[index] ?? 0) : value.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd();
  const heading = line(columns.map((column) => column.heading));
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [heading, rule, ...(cells.length === 0 ? ['(none)'] : cells.map(line))].join('\n');
}

/** A right-aligned column (numbers read better so). */
export function right<Row>(heading: string, cell: Column<Row>['cell']): Column<Row> {
  return { heading, cell, align: 'right' };
}

/**
 * One field per line: the labels padded to the longest, fields without a
 * value left out. A value of several lines continues under the first, indented.
 *
 * @example
 * renderFields([['job', 'j1'], ['group', undefined], ['status', 'failed']]);
 * // 'job     j1\nstatus  failed'
 */
export function renderFields(fields: readonly (readonly [string, string | number | boolean | null | undefined])[]): string {
  const shown = fields.filter(([, value]) => value !== undefined && value !== null);
  const width = Math.max(0, ...shown.map(([label]) => label.length));
  return shown
    .map(([label, value]) => {
      const [first = '', ...rest] = cellText(value).split('\n');
      return [`${label.padEnd(width)}  ${first}`.trimEnd(), ...rest.map((line) => `${' '.repeat(width + 2)}${line}`)].join('\n');
    })
    .join('\n');
}
