/**
 * The CSV writer: a header and rows of values a system hands over, as RFC 4180
 * text. Numbers in JavaScript's shortest round-trip form; non-finite numbers,
 * `undefined` and `null` as empty cells; other values as their JSON.
 *
 * @module
 */

/** One CSV cell: quoted when it holds a quote, a comma or a line break. */
export function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text: the header line, then one line per row (`\n` line ends, one at the end). */
export function csvText(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return lines.join('\n') + '\n';
}
