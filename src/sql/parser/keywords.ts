/**
 * Reserved words: the words that can never be a bare (unquoted) identifier, because the
 * grammar would become ambiguous (`FROM t WHERE` must not read WHERE as an alias). Every
 * other keyword (`name`, `value`, `type`, `timestamp`, `date`, `comment`, `key`, `year`,
 * `count`, ...) is a valid name wherever a name is expected. Quoting with backticks
 * makes any word a name.
 */

import type { Dialect } from '../parser.js';

const RESERVED = new Set([
  'ALL',
  'ALTER',
  'AND',
  'AS',
  'ASC',
  'BETWEEN',
  'BY',
  'CASE',
  'CREATE',
  'CROSS',
  'CURRENT_DATE',
  'CURRENT_TIME',
  'CURRENT_TIMESTAMP',
  'CURRENT_USER',
  'DESC',
  'DISTINCT',
  'DROP',
  'ELSE',
  'END',
  'EXCEPT',
  'EXISTS',
  'FALSE',
  'FETCH',
  'FOR',
  'FROM',
  'FULL',
  'GROUP',
  'HAVING',
  'IN',
  'INNER',
  'INSERT',
  'INTERSECT',
  'INTO',
  'IS',
  'JOIN',
  'LATERAL',
  'LEFT',
  'LIKE',
  'LIMIT',
  'LOCALTIME',
  'LOCALTIMESTAMP',
  'NATURAL',
  'NOT',
  'NULL',
  'OFFSET',
  'ON',
  'OR',
  'ORDER',
  'OUTER',
  'RIGHT',
  'SELECT',
  'TABLE',
  'THEN',
  'TRUE',
  'UNION',
  'USING',
  'VALUES',
  'WHEN',
  'WHERE',
  'WINDOW',
  'WITH',
]);

/** Reserved only in the StarRocks dialect (MySQL operators and set operations). */
const RESERVED_STARROCKS = new Set(['MINUS']);

/** Reserved words that are still function names when followed by `(` (`LEFT(s, 2)`, MySQL `INSERT(...)`). */
export const RESERVED_FUNCTION_NAMES = new Set(['LEFT', 'RIGHT', 'INSERT']);

export function isReserved(upper: string, dialect: Dialect): boolean {
  return RESERVED.has(upper) || (dialect === 'starrocks' && RESERVED_STARROCKS.has(upper));
}

/** The words a statement can start with, in the order an error message lists them. */
export const STATEMENT_STARTS: readonly string[] = [
  'SELECT',
  'WITH',
  'VALUES',
  'INSERT',
  'CREATE',
  'DROP',
  'ALTER',
  'USE',
  'SET',
  'RESET',
  'SHOW',
  'DESCRIBE',
  'DESC',
  'EXPLAIN',
  'BEGIN',
  'EXECUTE',
];

/** Levenshtein distance, bounded: returns `max + 1` as soon as the distance exceeds `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[b.length] ?? max + 1;
}

/** The closest of `candidates` to `word` (within 2 edits), or null. */
export function closestWord(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const c of candidates) {
    const d = editDistance(word, c, 2);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}
