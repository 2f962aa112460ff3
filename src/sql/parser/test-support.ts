/**
 * Helpers for the parser's tests: parse-and-narrow shortcuts, a compact rendering of
 * expressions and queries (so a precedence test reads `(a + (b * c))`), and an
 * error-catching helper. Used only by *.test.ts files.
 */

import assert from 'node:assert/strict';
import { StrataError } from '../../core/errors.js';
import type { Expr, FromItem, Query, Select, Statement } from '../ast.js';
import { parseExpression, parseQuery, parseStatement, type ParseOptions } from '../parser.js';

export const FLINK: ParseOptions = { dialect: 'flink' };
export const STARROCKS: ParseOptions = { dialect: 'starrocks' };

/** Parses one statement and checks its kind. */
export function stmt<K extends Statement['kind']>(sql: string, kind: K, options: ParseOptions = FLINK): Extract<Statement, { kind: K }> {
  const s = parseStatement(sql, options);
  assert.equal(s.kind, kind, `statement kind of ${sql}`);
  return s as Extract<Statement, { kind: K }>;
}

export function expr(sql: string, options: ParseOptions = FLINK): Expr {
  return parseExpression(sql, options);
}

/** The rendering of one expression. */
export function showExpr(sql: string, options: ParseOptions = FLINK): string {
  return show(parseExpression(sql, options));
}

export function select(sql: string, options: ParseOptions = FLINK): Select {
  const q = parseQuery(sql, options);
  assert.equal(q.kind, 'select');
  return q as Select;
}

/** Runs `fn`, expects a StrataError, returns it. */
export function catchError(fn: () => unknown): StrataError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StrataError) return e;
    throw e;
  }
  assert.fail('expected a StrataError');
}

/** A compact, fully parenthesized rendering of an expression. */
export function show(e: Expr): string {
  switch (e.kind) {
    case 'identifier':
      return e.parts.join('.');
    case 'number':
      return e.text;
    case 'string':
      return `'${e.value}'`;
    case 'boolean':
      return e.value ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
    case 'typed-literal':
      return `${e.type} '${e.value}'`;
    case 'interval':
      return `INTERVAL ${e.negative ? '-' : ''}'${e.value}' ${e.unit}`;
    case 'unary':
      return `(${e.op} ${show(e.operand)})`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'is':
      return `(${show(e.operand)} IS ${e.not ? 'NOT ' : ''}${e.test})`;
    case 'between':
      return `(${show(e.operand)} ${e.not ? 'NOT ' : ''}BETWEEN ${e.symmetric ? 'SYMMETRIC ' : ''}${show(e.low)} AND ${show(e.high)})`;
    case 'in':
      return `(${show(e.operand)} ${e.not ? 'NOT ' : ''}IN ${e.list !== null ? `(${e.list.map(show).join(', ')})` : `(${showQuery(e.subquery as Query)})`})`;
    case 'like':
      return `(${show(e.operand)} ${e.not ? 'NOT ' : ''}${e.similar ? 'SIMILAR TO' : 'LIKE'} ${show(e.pattern)}${e.escape !== null ? ` ESCAPE ${show(e.escape)}` : ''})`;
    case 'case':
      return `CASE${e.operand !== null ? ' ' + show(e.operand) : ''}${e.whens.map((w) => ` WHEN ${show(w.when)} THEN ${show(w.then)}`).join('')}${e.otherwise !== null ? ` ELSE ${show(e.otherwise)}` : ''} END`;
    case 'cast':
      return `${e.tryCast ? 'TRY_CAST' : 'CAST'}(${show(e.operand)} AS ${e.type.name}${e.type.params.length > 0 ? `(${e.type.params.join(', ')})` : ''})`;
    case 'call': {
      const args = e.star ? '*' : (e.distinct ? 'DISTINCT ' : '') + e.args.map(show).join(', ');
      let s = `${e.name.join('.')}(${args})`;
      if (e.filter !== null) s += ` FILTER (WHERE ${show(e.filter)})`;
      if (e.over !== null) {
        const parts: string[] = [];
        if (e.over.partitionBy.length > 0) parts.push(`PARTITION BY ${e.over.partitionBy.map(show).join(', ')}`);
        if (e.over.orderBy.length > 0) parts.push(`ORDER BY ${e.over.orderBy.map((o) => show(o.expr) + (o.desc ? ' DESC' : '')).join(', ')}`);
        s += ` OVER (${parts.join(' ')})`;
      }
      return s;
    }
    case 'subquery':
      return `(${showQuery(e.query)})`;
    case 'exists':
      return `${e.not ? 'NOT ' : ''}EXISTS(${showQuery(e.query)})`;
    case 'parameter':
      return `?${e.index}`;
    case 'star':
      return e.qualifier === null ? '*' : `${e.qualifier.join('.')}.*`;
  }
}

/** A compact rendering of a query (enough to check structure, not a printer). */
export function showQuery(q: Query): string {
  switch (q.kind) {
    case 'values':
      return `VALUES ${q.rows.map((r) => `(${r.map(show).join(', ')})`).join(', ')}`;
    case 'set-operation': {
      let s = `[${showQuery(q.left)} ${q.op}${q.all ? ' ALL' : ''} ${showQuery(q.right)}]`;
      if (q.orderBy.length > 0) s += ` ORDER BY ${q.orderBy.map((o) => show(o.expr)).join(', ')}`;
      if (q.limit !== null) s += ` LIMIT ${show(q.limit)}`;
      return s;
    }
    case 'select': {
      let s = q.with.length > 0 ? `WITH ${q.with.map((c) => c.name).join(', ')} ` : '';
      s += `SELECT ${q.distinct ? 'DISTINCT ' : ''}${q.items.map((i) => show(i.expr) + (i.alias !== null ? ` AS ${i.alias}` : '')).join(', ')}`;
      if (q.from !== null) s += ` FROM ${showFrom(q.from)}`;
      if (q.where !== null) s += ` WHERE ${show(q.where)}`;
      if (q.groupBy.length > 0) s += ` GROUP BY ${q.groupBy.map(show).join(', ')}`;
      if (q.having !== null) s += ` HAVING ${show(q.having)}`;
      if (q.orderBy.length > 0) s += ` ORDER BY ${q.orderBy.map((o) => show(o.expr) + (o.desc ? ' DESC' : '')).join(', ')}`;
      if (q.limit !== null) s += ` LIMIT ${show(q.limit)}`;
      if (q.offset !== null) s += ` OFFSET ${show(q.offset)}`;
      return s;
    }
  }
}

export function showFrom(f: FromItem): string {
  const alias = (a: string | null): string => (a !== null ? ` ${a}` : '');
  switch (f.kind) {
    case 'table':
      return f.name.parts.join('.') + alias(f.alias);
    case 'subquery':
      return `${f.lateral ? 'LATERAL ' : ''}(${showQuery(f.query)})${alias(f.alias)}`;
    case 'table-function':
      return `${f.lateral ? 'LATERAL ' : ''}TABLE(${f.name.parts.join('.')}(...))${alias(f.alias)}`;
    case 'join': {
      const cond = f.on !== null ? ` ON ${show(f.on)}` : f.using !== null ? ` USING (${f.using.join(', ')})` : '';
      return `{${showFrom(f.left)} ${f.joinType.toUpperCase()} ${showFrom(f.right)}${cond}}`;
    }
  }
}
