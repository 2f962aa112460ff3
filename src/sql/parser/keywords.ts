/**
 * Reserved words: the words that can never be a bare (unquoted) identifier, because the
 * grammar would become ambiguous (`FROM t WHERE` must not read WHERE as an alias). Every
 * other keyword (`name`, `value`, `type`, `timestamp`, `date`, `comment`, `key`, `year`,
 * `count`, ...) is a valid name wherever a name is expected. Quoting with backticks
 * makes any word a name.
 */

import { closestMatch } from '../../core/suggest.js';
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

/** The closest of `candidates` to `word` (within 2 edits), or null. */
export function closestWord(word: string, candidates: readonly string[]): string | null {
  return closestMatch(word, candidates, { limit: () => 2 }) ?? null;
}
