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
