import type { SourceProgress } from '../engine/connector.js';

/**
 * One terminal line showing a source's snapshot progress, e.g.
 *
 *   `orders snapshot [#########...........]  45%  450,123 / 1,000,000 rows  table 1/2`
 *   `orders snapshot [<=>                 ]  12,345 rows  table 0/1` (no estimate)
 *   `orders streaming  1,000,000 rows snapshotted  2/2 tables`
 *
 * A pure function: no escape codes, no terminal queries. The caller writes it after `\r` and
 * clears the rest of the line. `width` is the terminal width: the line never exceeds it (the
 * bar shrinks first, then the label is cut). The percentage is from the estimate
 * (information_schema statistics), so it is capped at 99% until the snapshot phase ends, and
 * the bar then shows 100%.
 */
export interface ProgressBarOptions {
  /** What is being read, e.g. the table name. */
  readonly label?: string;
  /** Terminal columns (default 80). */
  readonly width?: number;
  /** Animation frame for the indeterminate bar (any integer, e.g. a tick counter). */
  readonly frame?: number;
}

const MIN_BAR = 10;
const MAX_BAR = 40;

function count(n: number): string {
  return Math.max(0, Math.round(n)).toLocaleString('en-US');
}

export function renderProgressBar(p: SourceProgress, options: ProgressBarOptions = {}): string {
  const width = Math.max(20, Math.floor(options.width ?? 80));
  const label = options.label === undefined || options.label === '' ? '' : `${options.label} `;
  const tables = `${p.tablesDone}/${p.tablesTotal} ${p.tablesTotal === 1 ? 'table' : 'tables'}`;
  if (p.phase === 'stream') {
    return fit(`${label}streaming  ${count(p.rowsRead)} rows snapshotted  ${tables}`, width);
  }
  const est = p.rowsEstimated;
  const known = est !== null && est > 0;
  const fraction = known ? Math.min(0.99, p.rowsRead / est) : null;
  const pct = fraction === null ? '' : `${String(Math.floor(fraction * 100)).padStart(3)}%  `;
  const rows = known ? `${count(p.rowsRead)} / ~${count(est)} rows` : `${count(p.rowsRead)} rows`;
  const tail = `  ${pct}${rows}  ${tables}`;
  const head = `${label}snapshot `;
  const room = width - head.length - tail.length - 2;
  if (room < MIN_BAR) return fit(`${head.trimEnd()}${tail}`, width);
  const barWidth = Math.min(MAX_BAR, room);
  return fit(`${head}[${bar(barWidth, fraction, options.frame ?? 0)}]${tail}`, width);
}

function bar(n: number, fraction: number | null, frame: number): string {
  if (fraction !== null) {
    const full = Math.floor(fraction * n);
    return '#'.repeat(full) + '.'.repeat(n - full);
  }
  // Indeterminate: a small marker bouncing across the bar.
  const span = Math.max(1, n - 3);
  const f = Math.abs(Math.trunc(frame)) % (2 * span);
  const at = f < span ? f : 2 * span - f;
  return ' '.repeat(at) + '<=>' + ' '.repeat(n - 3 - at);
}

function fit(line: string, width: number): string {
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}
