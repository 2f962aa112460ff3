/**
 * The warehouse's own statements (starrocks dialect): UPDATE, DELETE, TRUNCATE, the
 * transaction statements MySQL clients send (BEGIN / START TRANSACTION / COMMIT /
 * ROLLBACK) and KILL. INSERT is shared with Flink (statements.ts).
 */

import type { DeleteStatement, Expr, FromItem, KillStatement, TransactionStatement, TruncateStatement, UpdateStatement } from '../ast.js';
import type { Parser } from './cursor.js';
import { parseExpr } from './expressions.js';
import { parseFrom } from './query.js';

/** `[AS] alias` after the target table, unless the next word is one of `stop`. */
function targetAlias(p: Parser, stop: readonly string[]): string | null {
  if (p.acceptWord('AS')) return p.identifier('an alias after AS');
  const t = p.peek();
  if (t.kind === 'word' && stop.includes(t.upper)) return null;
  if (p.isIdentifier()) return p.next().value;
  return null;
}

/** `UPDATE t [[AS] alias] SET c = e [, ...] [FROM items] [WHERE cond]`. */
export function parseUpdate(p: Parser): UpdateStatement {
  const t = p.next();
  const table = p.qualifiedName('a table name after UPDATE');
  const alias = targetAlias(p, ['SET']);
  p.expectWord('SET', `after UPDATE ${table.parts.join('.')}`);
  const assignments: { column: string; value: Expr; pos: UpdateStatement['pos'] }[] = [];
  do {
    const c = p.peek();
    const name = p.qualifiedName('a column name in SET');
    p.expectOp('=', `after SET ${name.parts.join('.')}`);
    const value = p.isWord('DEFAULT') && (p.isEnd(1) || p.isOp(',', 1) || p.isWord('WHERE', 1) || p.isWord('FROM', 1))
      ? p.unsupported(p.peek(), 'SET column = DEFAULT is not supported in UPDATE', 'Write the default value itself.')
      : parseExpr(p);
    assignments.push({ column: name.parts[name.parts.length - 1]!, value, pos: p.pos(c) });
  } while (p.acceptOp(','));
  let from: FromItem | null = null;
  if (p.acceptWord('FROM')) from = parseFrom(p);
  let where: Expr | null = null;
  if (p.acceptWord('WHERE')) where = parseExpr(p);
  if (p.isWord('ORDER') || p.isWord('LIMIT')) {
    p.unsupported(p.peek(), `UPDATE ... ${p.peek().upper} is not supported`, 'Select the rows with a WHERE condition.');
  }
  return { kind: 'update', table, alias, assignments, from, where, pos: p.pos(t) };
}

/** `DELETE FROM t [[AS] alias] [WHERE cond]`. */
export function parseDelete(p: Parser): DeleteStatement {
  const t = p.next();
  p.expectWord('FROM', 'after DELETE');
  const table = p.qualifiedName('a table name after DELETE FROM');
  if (p.isWord('PARTITION')) p.unsupported(p.peek(), 'DELETE ... PARTITION is not supported', 'Select the rows with a WHERE condition.');
  const alias = targetAlias(p, ['USING', 'WHERE', 'ORDER', 'LIMIT']);
  if (p.isWord('USING')) p.unsupported(p.peek(), 'DELETE ... USING is not supported', 'Use WHERE key IN (SELECT ...).');
  let where: Expr | null = null;
  if (p.acceptWord('WHERE')) where = parseExpr(p);
  if (p.isWord('ORDER') || p.isWord('LIMIT')) {
    p.unsupported(p.peek(), `DELETE ... ${p.peek().upper} is not supported`, 'Select the rows with a WHERE condition.');
  }
  return { kind: 'delete', table, alias, where, pos: p.pos(t) };
}

/** `TRUNCATE [TABLE] t`. */
export function parseTruncate(p: Parser): TruncateStatement {
  const t = p.next();
  p.acceptWord('TABLE');
  const table = p.qualifiedName('a table name after TRUNCATE TABLE');
  if (p.isWord('PARTITION')) p.unsupported(p.peek(), 'TRUNCATE TABLE ... PARTITION is not supported', 'Truncate the whole table or DELETE the rows.');
  return { kind: 'truncate', table, pos: p.pos(t) };
}

/**
 * `BEGIN [WORK]`, `START TRANSACTION [characteristics]`, `COMMIT [WORK] [AND ...]`,
 * `ROLLBACK [WORK] [AND ...]`. The words after the action are accepted and dropped.
 */
export function parseTransaction(p: Parser): TransactionStatement {
  const t = p.next();
  let action: TransactionStatement['action'];
  switch (t.upper) {
    case 'START':
      p.expectWord('TRANSACTION', 'after START');
      action = 'BEGIN';
      break;
    case 'BEGIN':
      action = 'BEGIN';
      break;
    case 'COMMIT':
      action = 'COMMIT';
      break;
    default:
      action = 'ROLLBACK';
      break;
  }
  if (p.isWord('TO') || p.isWord('SAVEPOINT')) p.unsupported(p.peek(), 'savepoints are not supported');
  while (!p.isEnd()) {
    const w = p.peek();
    if (w.kind !== 'word' && !(w.kind === 'op' && w.value === ',')) p.fail(`the end of the ${action} statement`);
    p.next();
  }
  return { kind: 'transaction', action, pos: p.pos(t) };
}

/** `KILL [CONNECTION | QUERY] n`. */
export function parseKill(p: Parser): KillStatement {
  const t = p.next();
  let query = false;
  if (p.acceptWord('QUERY')) query = true;
  else p.acceptWord('CONNECTION');
  const connectionId = p.integer('a connection id after KILL');
  return { kind: 'kill', query, connectionId, pos: p.pos(t) };
}
