/**
 * The plain-text table the CLI prints on stdout: a header, a rule, and rows,
 * first column left-aligned and the others right-aligned; and the number
 * format its cells (and the HTML tables) use.
 *
 * @module
 */

/**
 * Formats a number for a table: 4 significant digits, integers as integers, exponents only below
 * 10⁻³ and from 10⁶ (`3.038e-4`), `—` for non-finite values — as the HTML report's table does. (It
 * used `toPrecision(4)` as text, which is an exponent from 10⁴: a sweep's mean of 12,110.5
 * migrations read `1.211e+4` beside `47407`, and `12110` in the report.)
 */
export function formatMetric(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** Renders a monospace table (columns padded to their widest cell, trailing spaces trimmed), then any `notes` lines, with a trailing newline. */
export function textTable(header: readonly string[], body: readonly (readonly string[])[], notes: readonly string[] = []): string {
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((b) => b[j]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line), ...notes];
  return out.join('\n') + '\n';
}
