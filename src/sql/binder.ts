import { canCastExplicitly, canCastImplicitly, commonType } from '../core/coercion.js';
import { Decimal } from '../core/decimal.js';
import { StrataError, type SourceLocation } from '../core/errors.js';
import { closestMatch } from '../core/suggest.js';
import { call, cast, inputRef, literal, type Expr } from '../core/expr.js';
import { resolveFunction } from '../core/functions/registry.js';
import type { AggCall, AggFunction, TableDescriptor } from '../core/plan.js';
import type { Field } from '../core/schema.js';
import {
  T,
  formatType,
  isCharacter,
  isBinary,
  isNumeric,
  sameTypeIgnoringNull,
  withNullability,
  type SqlType,
} from '../core/types.js';
import { parseDate, parseTime, parseTimestamp, type Value } from '../core/values.js';
import type * as A from './ast.js';
import type { Catalog } from './catalog.js';
import type { LogicalNode, LogicalSink } from './logical.js';
import { resolveTypeName } from './type-names.js';

/**
 * The binder: resolves names against the catalog, types every expression with Flink's
 * rules, makes implicit casts explicit, and turns a query AST into a logical plan.
 * Errors name the line and column of the offending AST node.
 */

const AGGREGATES: ReadonlySet<string> = new Set(['COUNT', 'SUM', 'SUM0', 'AVG', 'MIN', 'MAX']);

interface ScopeColumn {
  /** Lower-cased relation alias, or null for a derived column without one. */
  readonly relation: string | null;
  readonly name: string;
  readonly index: number;
  readonly type: SqlType;
}

class Scope {
  constructor(readonly columns: readonly ScopeColumn[]) {}

  static of(relation: string | null, fields: readonly Field[], offset = 0): Scope {
    const rel = relation === null ? null : relation.toLowerCase();
    return new Scope(fields.map((f, i) => ({ relation: rel, name: f.name, index: offset + i, type: f.type })));
  }

  concat(other: Scope): Scope {
    return new Scope([...this.columns, ...other.columns]);
  }

  relations(): Set<string> {
    const s = new Set<string>();
    for (const c of this.columns) if (c.relation !== null) s.add(c.relation);
    return s;
  }
}

/** A bound relation: a logical node and the names under which its fields can be referenced. */
interface Relation {
  readonly node: LogicalNode;
  readonly scope: Scope;
}

/** Called on each AST node before the default binding; returning an Expr replaces it. */
type BindHook = (e: A.Expr) => Expr | undefined;

interface BindContext {
  readonly scope: Scope;
  readonly hook: BindHook | null;
  /** Why aggregates are not allowed here ('WHERE', 'GROUP BY', ...), or null when they are handled by the hook. */
  readonly noAggregates: string | null;
}

export interface BinderOptions {
  readonly file?: string;
}

export class Binder {
  readonly #catalog: Catalog;
  readonly #file: string | undefined;
  /** CTEs visible while binding, innermost last. */
  readonly #ctes: Map<string, Relation>[] = [];

  constructor(catalog: Catalog, options: BinderOptions = {}) {
    this.#catalog = catalog;
    this.#file = options.file;
  }

  // -------------------------------------------------------------------------
  // Errors
  // -------------------------------------------------------------------------

  #loc(pos: A.Pos): SourceLocation {
    return this.#file !== undefined ? { file: this.#file, line: pos.line, column: pos.column } : { line: pos.line, column: pos.column };
  }

  #error(pos: A.Pos, message: string, hint?: string): StrataError {
    return new StrataError('SQL_VALIDATION', message, { location: this.#loc(pos), ...(hint !== undefined ? { hint } : {}) });
  }

  #unsupported(pos: A.Pos, message: string, hint?: string): StrataError {
    return new StrataError('SQL_UNSUPPORTED', message, { location: this.#loc(pos), ...(hint !== undefined ? { hint } : {}) });
  }

  /** Gives a location to errors thrown without one (e.g. by the function registry). */
  #at<R>(pos: A.Pos, f: () => R): R {
    try {
      return f();
    } catch (e) {
      if (e instanceof StrataError && e.location === undefined) {
        throw new StrataError(e.code, e.bare, {
          location: this.#loc(pos),
          ...(e.hint !== undefined ? { hint: e.hint } : {}),
          ...(e.details !== undefined ? { details: e.details } : {}),
        });
      }
      throw e;
    }
  }

  // -------------------------------------------------------------------------
  // Statements
  // -------------------------------------------------------------------------

  /** Binds `INSERT INTO t [(cols)] query`: the query's fields cast to the table's columns. */
  bindInsert(ins: A.Insert): LogicalSink {
    const path = this.#at(ins.table.pos, () => this.#catalog.resolveTablePath(ins.table.parts));
    const obj = this.#at(ins.table.pos, () => this.#catalog.get(path));
    if (obj.kind !== 'table') throw this.#error(ins.table.pos, `cannot INSERT INTO view '${path.join('.')}'`);
    let table = obj.descriptor;
    if (ins.hints.length > 0) table = withHints(table, ins.hints);
    const rel = this.bindQuery(ins.query);
    const qfields = rel.node.fields;
    const tfields = table.schema.fields;
    // Which table column each query field goes to.
    let targets: number[];
    if (ins.columns === null) {
      if (qfields.length !== tfields.length) {
        throw this.#error(
          ins.query.pos,
          `INSERT INTO ${path.join('.')} has ${qfields.length} column${qfields.length === 1 ? '' : 's'} in the query but the table has ${tfields.length}`,
          `Query schema: [${describeFields(qfields)}]; sink schema: [${describeFields(tfields)}].`,
        );
      }
      targets = tfields.map((_, i) => i);
    } else {
      targets = ins.columns.map((c) => {
        const i = tfields.findIndex((f) => f.name.toLowerCase() === c.toLowerCase());
        if (i < 0) throw this.#error(ins.pos, `column '${c}' does not exist in table ${path.join('.')}`, `Columns: ${tfields.map((f) => f.name).join(', ')}.`);
        return i;
      });
      if (targets.length !== qfields.length) {
        throw this.#error(ins.query.pos, `INSERT lists ${targets.length} columns but the query produces ${qfields.length}`);
      }
    }
    const exprs: Expr[] = [];
    for (let ti = 0; ti < tfields.length; ti++) {
      const tf = tfields[ti]!;
      const qi = targets.indexOf(ti);
      if (qi < 0) {
        exprs.push(literal(null, withNullability(tf.type, true)));
        continue;
      }
      const qt = qfields[qi]!.type;
      const ref = inputRef(qi, qt);
      if (sameTypeIgnoringNull(qt, tf.type) || (isCharacter(qt) && isCharacter(tf.type)) || (isBinary(qt) && isBinary(tf.type))) {
        // Lengths of character and binary columns are declarations, not enforced on write
        // (Flink's table.exec.sink.type-length-enforcer = IGNORE): no cast, no truncation.
        exprs.push(ref);
      } else if (sinkAssignable(qt, tf.type)) {
        exprs.push(cast(ref, withNullability(tf.type, qt.nullable)));
      } else {
        throw this.#error(
          ins.query.pos,
          `column types of the query and of sink ${path.join('.')} do not match: column '${tf.name}' (position ${ti}) is ${formatType(tf.type)} but the query gives ${formatType(qt)}`,
          `Add a CAST in the query. Query schema: [${describeFields(qfields)}]; sink schema: [${describeFields(tfields)}].`,
        );
      }
    }
    const identity = exprs.every((e, i) => e.kind === 'input' && e.index === i) && exprs.length === qfields.length;
    const input: LogicalNode = identity
      ? rel.node
      : { kind: 'project', input: rel.node, exprs, fields: tfields.map((f, i) => ({ name: f.name, type: exprs[i]!.type })) };
    return { table, input };
  }

  // -------------------------------------------------------------------------
  // Queries
  // -------------------------------------------------------------------------

  /** Binds a query; the result's scope has no relation name (the caller aliases it). */
  bindQuery(q: A.Query): Relation {
    switch (q.kind) {
      case 'select':
        return this.#bindSelect(q);
      case 'set-operation':
        return this.#bindSetOperation(q);
      case 'values':
        throw this.#unsupported(q.pos, 'VALUES as a streaming source is not supported yet', "Use a table with 'connector' = 'values' or 'datagen'.");
    }
  }

  #bindSetOperation(q: A.SetOperation): Relation {
    if (q.orderBy.length > 0 || q.limit !== null) {
      throw this.#unsupported(q.pos, 'ORDER BY and LIMIT on a streaming query are not supported', 'Use ROW_NUMBER() OVER (...) for Top-N.');
    }
    if (q.op !== 'UNION') throw this.#unsupported(q.pos, `${q.op} is not supported yet; use UNION ALL, or a join`);
    const left = this.bindQuery(q.left);
    const right = this.bindQuery(q.right);
    const lf = left.node.fields;
    const rf = right.node.fields;
    if (lf.length !== rf.length) {
      throw this.#error(q.pos, `UNION inputs have different numbers of columns: ${lf.length} and ${rf.length}`);
    }
    const types = lf.map((f, i) => {
      const t = commonType([f.type, rf[i]!.type]);
      if (t === null) {
        throw this.#error(q.pos, `UNION column ${i + 1} ('${f.name}') has incompatible types ${formatType(f.type)} and ${formatType(rf[i]!.type)}`);
      }
      return t;
    });
    const fields = lf.map((f, i) => ({ name: f.name, type: types[i]! }));
    const conform = (r: Relation): LogicalNode => {
      const exprs = r.node.fields.map((f, i) => {
        const ref = inputRef(i, f.type);
        return sameTypeIgnoringNull(f.type, types[i]!) ? ref : cast(ref, withNullability(types[i]!, f.type.nullable));
      });
      if (exprs.every((e) => e.kind === 'input')) return r.node;
      return { kind: 'project', input: r.node, exprs, fields: exprs.map((e, i) => ({ name: fields[i]!.name, type: e.type })) };
    };
    const union: LogicalNode = { kind: 'union', inputs: [conform(left), conform(right)], fields };
    if (q.all) return { node: union, scope: Scope.of(null, fields) };
    // UNION (distinct) = UNION ALL + GROUP BY every column.
    const agg: LogicalNode = { kind: 'aggregate', input: union, groupKeys: fields.map((_, i) => i), aggs: [], fields };
    return { node: agg, scope: Scope.of(null, fields) };
  }

  #bindSelect(s: A.Select): Relation {
    if (s.with.length > 0) {
      const frame = new Map<string, Relation>();
      this.#ctes.push(frame);
      try {
        for (const cte of s.with) {
          let rel = this.bindQuery(cte.query);
          if (cte.columns !== null) rel = this.#renameColumns(rel, cte.columns, cte.pos);
          frame.set(cte.name.toLowerCase(), rel);
        }
        return this.#bindSelectBody(s);
      } finally {
        this.#ctes.pop();
      }
    }
    return this.#bindSelectBody(s);
  }

  #bindSelectBody(s: A.Select): Relation {
    if (s.orderBy.length > 0 || s.limit !== null || s.offset !== null) {
      throw this.#unsupported(
        s.orderBy[0]?.pos ?? s.pos,
        'ORDER BY and LIMIT on a streaming query are not supported',
        'A continuous query has no last row to sort; use ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) for Top-N.',
      );
    }
    let rel: Relation = s.from === null ? this.#singleRow(s.pos) : this.#bindFrom(s.from);

    if (s.where !== null) {
      const cond = this.#bindBoolean(s.where, { scope: rel.scope, hook: null, noAggregates: 'WHERE' }, 'WHERE');
      rel = { node: { kind: 'filter', input: rel.node, condition: cond, fields: rel.node.fields }, scope: rel.scope };
    }

    const items = this.#expandStars(s.items, rel.scope);
    const hasAgg = s.groupBy.length > 0 || items.some((it) => containsAggregate(it.expr)) || (s.having !== null && containsAggregate(s.having));
    if (s.having !== null && !hasAgg) {
      // HAVING without GROUP BY or aggregates groups everything into one group (SQL).
    }
    if (hasAgg || s.having !== null) return this.#bindAggregateSelect(s, rel, items);

    const ctx: BindContext = { scope: rel.scope, hook: null, noAggregates: 'SELECT' };
    const exprs = items.map((it) => this.bindExpr(it.expr, ctx));
    const names = uniqueNames(items.map((it, i) => outputName(it, i)));
    const fields = exprs.map((e, i) => ({ name: names[i]!, type: e.type }));
    let node: LogicalNode = { kind: 'project', input: rel.node, exprs, fields };
    if (s.distinct) {
      node = { kind: 'aggregate', input: node, groupKeys: fields.map((_, i) => i), aggs: [], fields };
    }
    return { node, scope: Scope.of(null, fields) };
  }

  /** A FROM-less SELECT reads one empty row; not available as a stream yet. */
  #singleRow(pos: A.Pos): Relation {
    throw this.#unsupported(pos, 'SELECT without FROM is not supported in a pipeline', "Select from a table, e.g. one with 'connector' = 'datagen'.");
  }

  #expandStars(items: readonly A.SelectItem[], scope: Scope): A.SelectItem[] {
    const out: A.SelectItem[] = [];
    for (const it of items) {
      if (it.expr.kind !== 'star') {
        out.push(it);
        continue;
      }
      const q = it.expr.qualifier;
      const rel = q === null ? null : q[q.length - 1]!.toLowerCase();
      if (rel !== null && !scope.relations().has(rel)) {
        throw this.#error(it.pos, `unknown table '${q!.join('.')}' in '${q!.join('.')}.*'`, `Tables in scope: ${[...scope.relations()].join(', ') || '(none)'}.`);
      }
      for (const c of scope.columns) {
        if (rel !== null && c.relation !== rel) continue;
        const parts = c.relation === null ? [c.name] : [c.relation, c.name];
        out.push({ expr: { kind: 'identifier', parts, pos: it.pos }, alias: c.name, pos: it.pos });
      }
    }
    return out;
  }

  #bindAggregateSelect(s: A.Select, rel: Relation, items: readonly A.SelectItem[]): Relation {
    const inputCtx: BindContext = { scope: rel.scope, hook: null, noAggregates: 'GROUP BY' };
    // 1. Group keys, bound over the input.
    const groupExprs = s.groupBy.map((g) => this.bindExpr(g, inputCtx));
    // 2. Aggregate calls in SELECT and HAVING, bound over the input, deduplicated.
    const aggAsts: A.FunctionCall[] = [];
    for (const it of items) collectAggregates(it.expr, aggAsts);
    if (s.having !== null) collectAggregates(s.having, aggAsts);
    const preExprs: Expr[] = [...groupExprs];
    const preKeys = new Map<string, number>(groupExprs.map((e, i) => [exprKey(e), i]));
    const addPre = (e: Expr): number => {
      const key = exprKey(e);
      const found = preKeys.get(key);
      if (found !== undefined) return found;
      preExprs.push(e);
      preKeys.set(key, preExprs.length - 1);
      return preExprs.length - 1;
    };
    // Group keys must each be their own pre-projection column even when equal.
    const aggCalls: AggCall[] = [];
    const aggByKey = new Map<string, number>();
    const aggIndexOfAst = new Map<A.FunctionCall, number>();
    for (const ast of aggAsts) {
      const bound = this.#bindAggregateCall(ast, rel.scope, addPre);
      const key = `${bound.fn}|${bound.distinct}|${bound.args.join(',')}|${bound.filter}`;
      let idx = aggByKey.get(key);
      if (idx === undefined) {
        idx = aggCalls.length;
        aggCalls.push({ ...bound, name: `EXPR$${idx}` });
        aggByKey.set(key, idx);
      }
      aggIndexOfAst.set(ast, idx);
    }
    const inputName = (e: Expr): string | null => (e.kind === 'input' ? rel.node.fields[e.index]?.name ?? null : null);
    const preNames = uniqueNames(preExprs.map((e, i) => inputName(e) ?? `$f${i}`));
    const preFields = preExprs.map((e, i) => ({ name: preNames[i]!, type: e.type }));
    // An aggregate written directly as a select item is named by that item.
    const aggNames: (string | null)[] = aggCalls.map(() => null);
    items.forEach((it, i) => {
      if (it.expr.kind === 'call' && aggIndexOfAst.has(it.expr)) {
        const ai = aggIndexOfAst.get(it.expr)!;
        if (aggNames[ai] === null) aggNames[ai] = outputName(it, i);
      }
    });
    const pre: LogicalNode = { kind: 'project', input: rel.node, exprs: preExprs, fields: preFields };
    const g = groupExprs.length;
    const outNames = uniqueNames([
      ...groupExprs.map((e, i) => inputName(e) ?? `$f${i}`),
      ...aggCalls.map((a, i) => aggNames[i] ?? `EXPR$${i}`),
    ]);
    const aggFields: Field[] = [
      ...groupExprs.map((e, i) => ({ name: outNames[i]!, type: e.type })),
      ...aggCalls.map((a, i) => ({ name: outNames[groupExprs.length + i]!, type: a.type })),
    ];
    const aggNode: LogicalNode = {
      kind: 'aggregate',
      input: pre,
      groupKeys: groupExprs.map((_, i) => i),
      aggs: aggCalls,
      fields: aggFields,
    };
    // 3. SELECT and HAVING over the aggregate's output.
    const groupKeys = groupExprs.map(exprKey);
    const hook: BindHook = (e) => {
      if (e.kind === 'call' && aggIndexOfAst.has(e)) {
        const i = aggIndexOfAst.get(e)!;
        return inputRef(g + i, aggCalls[i]!.type);
      }
      if (!containsAggregate(e) && e.kind !== 'number' && e.kind !== 'string' && e.kind !== 'boolean' && e.kind !== 'null') {
        let bound: Expr | null = null;
        try {
          bound = this.bindExpr(e, inputCtx);
        } catch {
          bound = null;
        }
        if (bound !== null) {
          const gi = groupKeys.indexOf(exprKey(bound));
          if (gi >= 0) return inputRef(gi, groupExprs[gi]!.type);
        }
        if (e.kind === 'identifier') {
          throw this.#error(
            e.pos,
            `column '${e.parts.join('.')}' must appear in GROUP BY or be used in an aggregate function`,
            'Add it to GROUP BY, or wrap it in MIN(), MAX() or another aggregate.',
          );
        }
      }
      return undefined;
    };
    const outCtx: BindContext = { scope: new Scope([]), hook, noAggregates: null };
    let node: LogicalNode = aggNode;
    if (s.having !== null) {
      const cond = this.#bindBoolean(s.having, outCtx, 'HAVING');
      node = { kind: 'filter', input: node, condition: cond, fields: aggFields };
    }
    const exprs = items.map((it) => this.bindExpr(it.expr, outCtx));
    const names = uniqueNames(items.map((it, i) => outputName(it, i)));
    const fields = exprs.map((e, i) => ({ name: names[i]!, type: e.type }));
    node = { kind: 'project', input: node, exprs, fields };
    if (s.distinct) node = { kind: 'aggregate', input: node, groupKeys: fields.map((_, i) => i), aggs: [], fields };
    return { node, scope: Scope.of(null, fields) };
  }

  #bindAggregateCall(ast: A.FunctionCall, scope: Scope, addPre: (e: Expr) => number): Omit<AggCall, 'name'> {
    const name = ast.name[ast.name.length - 1]!.toUpperCase();
    if (ast.over !== null) throw this.#unsupported(ast.pos, `${name}(...) OVER (...) is not supported yet`);
    const ctx: BindContext = { scope, hook: null, noAggregates: `the argument of ${name}` };
    let filter: number | null = null;
    if (ast.filter !== null) filter = addPre(this.#bindBoolean(ast.filter, ctx, 'FILTER'));
    if (name === 'COUNT' && (ast.star || ast.args.length === 0)) {
      return { fn: 'COUNT', args: [], distinct: false, filter, type: T.bigint(false) };
    }
    if (ast.args.length !== 1) {
      throw this.#error(ast.pos, `${name} takes one argument, got ${ast.args.length}`);
    }
    const arg = this.bindExpr(ast.args[0]!, ctx);
    const t = arg.type;
    let type: SqlType;
    let fn = name as AggFunction;
    switch (name) {
      case 'COUNT':
        type = T.bigint(false);
        break;
      case 'SUM':
      case 'SUM0':
        if (!isNumeric(t)) throw this.#error(ast.pos, `${name} needs a numeric argument, got ${formatType(t)}`);
        type = t.kind === 'DECIMAL' ? T.decimal(38, t.scale ?? 0, true) : withNullability(t, name === 'SUM0' ? t.nullable : true);
        if (name === 'SUM0') type = withNullability(type, false);
        break;
      case 'AVG':
        if (!isNumeric(t)) throw this.#error(ast.pos, `AVG needs a numeric argument, got ${formatType(t)}`);
        type = t.kind === 'DECIMAL' ? T.decimal(38, Math.max(t.scale ?? 0, 6), true) : withNullability(t, true);
        break;
      case 'MIN':
      case 'MAX':
        type = withNullability(t, true);
        break;
      default:
        throw this.#error(ast.pos, `unknown aggregate function ${name}`);
    }
    if (fn === 'SUM0') fn = 'SUM0';
    return { fn, args: [addPre(arg)], distinct: ast.distinct, filter, type };
  }

  #renameColumns(rel: Relation, names: readonly string[], pos: A.Pos): Relation {
    const f = rel.node.fields;
    if (names.length !== f.length) {
      throw this.#error(pos, `${names.length} column aliases given for ${f.length} columns`);
    }
    const fields = f.map((x, i) => ({ name: names[i]!, type: x.type }));
    const node: LogicalNode = { kind: 'project', input: rel.node, exprs: f.map((x, i) => inputRef(i, x.type)), fields };
    return { node, scope: Scope.of(null, fields) };
  }

  // -------------------------------------------------------------------------
  // FROM
  // -------------------------------------------------------------------------

  #bindFrom(f: A.FromItem): Relation {
    switch (f.kind) {
      case 'table':
        return this.#bindTableRef(f);
      case 'subquery': {
        if (f.lateral) throw this.#unsupported(f.pos, 'LATERAL subqueries are not supported yet');
        let rel = this.bindQuery(f.query);
        if (f.columnAliases !== null) rel = this.#renameColumns(rel, f.columnAliases, f.pos);
        return { node: rel.node, scope: Scope.of(f.alias, rel.node.fields) };
      }
      case 'join':
        return this.#bindJoin(f);
      case 'table-function':
        throw this.#unsupported(
          f.pos,
          `table function ${f.name.parts.join('.')} is not supported yet`,
          'Window TVFs (TUMBLE, HOP, CUMULATE) arrive with the window operators.',
        );
    }
  }

  #bindTableRef(f: A.TableRef): Relation {
    if (f.forSystemTimeAsOf !== null) {
      throw this.#unsupported(f.pos, 'FOR SYSTEM_TIME AS OF (lookup joins) is not supported yet', 'Use a regular join for now.');
    }
    const alias = f.alias ?? f.name.parts[f.name.parts.length - 1]!;
    if (f.name.parts.length === 1) {
      const name = f.name.parts[0]!.toLowerCase();
      for (let i = this.#ctes.length - 1; i >= 0; i--) {
        const cte = this.#ctes[i]!.get(name);
        if (cte !== undefined) return { node: cte.node, scope: Scope.of(alias, cte.node.fields) };
      }
    }
    const path = this.#at(f.name.pos, () => this.#catalog.resolveTablePath(f.name.parts));
    const obj = this.#at(f.name.pos, () => this.#catalog.get(path));
    if (obj.kind === 'view') {
      const rel = this.bindQuery(obj.query);
      const fields = obj.schema.fields;
      const node: LogicalNode =
        fields.length === rel.node.fields.length && fields.every((x, i) => x.name === rel.node.fields[i]!.name)
          ? rel.node
          : { kind: 'project', input: rel.node, exprs: rel.node.fields.map((x, i) => inputRef(i, x.type)), fields: fields.map((x, i) => ({ name: x.name, type: rel.node.fields[i]!.type })) };
      return { node, scope: Scope.of(alias, node.fields) };
    }
    const table = f.hints.length > 0 ? withHints(obj.descriptor, f.hints) : obj.descriptor;
    const node: LogicalNode = { kind: 'scan', table, fields: table.schema.fields };
    return { node, scope: Scope.of(alias, node.fields) };
  }

  #bindJoin(j: A.JoinRef): Relation {
    const left = this.#bindFrom(j.left);
    const right = this.#bindFrom(j.right);
    const lrel = left.scope.relations();
    for (const r of right.scope.relations()) {
      if (lrel.has(r)) throw this.#error(j.pos, `table alias '${r}' is used twice in this FROM clause`, 'Give one of them another alias.');
    }
    const nl = left.node.fields.length;
    const scope = left.scope.concat(new Scope(right.scope.columns.map((c) => ({ ...c, index: c.index + nl }))));
    const joinedNames = uniqueNames([...left.node.fields, ...right.node.fields].map((f) => f.name));
    const fields = [...left.node.fields, ...right.node.fields].map((f, i) => ({ name: joinedNames[i]!, type: f.type }));
    let condition: Expr | null = null;
    if (j.on !== null) {
      condition = this.#bindBoolean(j.on, { scope, hook: null, noAggregates: 'ON' }, 'ON');
    } else if (j.using !== null) {
      const parts: Expr[] = [];
      for (const c of j.using) {
        const l = findColumn(left.scope, c);
        const r = findColumn(right.scope, c);
        if (l === null || r === null) throw this.#error(j.pos, `column '${c}' in USING is not in both sides of the join`);
        parts.push(this.#comparison('=', inputRef(l.index, l.type), inputRef(nl + r.index, r.type), j.pos));
      }
      condition = parts.reduce((a, b) => call('AND', [a, b], T.boolean(a.type.nullable || b.type.nullable)));
    } else if (j.joinType !== 'cross') {
      throw this.#error(j.pos, `${j.joinType.toUpperCase()} JOIN needs an ON or USING clause`);
    }
    // Outer joins make the padded side's fields nullable.
    const padLeft = j.joinType === 'right' || j.joinType === 'full';
    const padRight = j.joinType === 'left' || j.joinType === 'full';
    const outFields = fields.map((f, i) =>
      (i < nl && padLeft) || (i >= nl && padRight) ? { name: f.name, type: withNullability(f.type, true) } : f,
    );
    const outScope = new Scope(scope.columns.map((c) => ({ ...c, type: outFields[c.index]!.type })));
    const node: LogicalNode = {
      kind: 'join',
      joinType: j.joinType === 'cross' ? 'inner' : j.joinType,
      left: left.node,
      right: right.node,
      condition,
      fields: outFields,
    };
    return { node, scope: outScope };
  }

  // -------------------------------------------------------------------------
  // Expressions
  // -------------------------------------------------------------------------

  #bindBoolean(e: A.Expr, ctx: BindContext, clause: string): Expr {
    const b = this.bindExpr(e, ctx);
    if (b.type.kind !== 'BOOLEAN' && b.type.kind !== 'NULL') {
      throw this.#error(e.pos, `${clause} condition must be BOOLEAN, got ${formatType(b.type)}`);
    }
    return b.type.kind === 'NULL' ? literal(null, T.boolean()) : b;
  }

  /** Binds a scalar expression in a scope (exposed for DDL: computed columns, defaults). */
  bindScalar(e: A.Expr, fields: readonly Field[]): Expr {
    return this.bindExpr(e, { scope: Scope.of(null, fields), hook: null, noAggregates: 'this expression' });
  }

  bindExpr(e: A.Expr, ctx: BindContext): Expr {
    if (ctx.hook !== null) {
      const r = ctx.hook(e);
      if (r !== undefined) return r;
    }
    switch (e.kind) {
      case 'identifier':
        return this.#bindIdentifier(e, ctx.scope);
      case 'number':
        return this.#bindNumber(e);
      case 'string':
        return literal(e.value, T.varchar(Math.max(1, e.value.length), false));
      case 'boolean':
        return literal(e.value, T.boolean(false));
      case 'null':
        return literal(null, T.null());
      case 'typed-literal':
        return this.#bindTypedLiteral(e);
      case 'interval':
        throw this.#unsupported(e.pos, 'INTERVAL values are only supported in window functions for now');
      case 'unary': {
        const x = this.bindExpr(e.operand, ctx);
        if (e.op === '+') {
          if (!isNumeric(x.type) && x.type.kind !== 'NULL') throw this.#error(e.pos, `unary + needs a number, got ${formatType(x.type)}`);
          return x;
        }
        if (e.op === '-' && x.kind === 'literal' && x.value !== null) {
          const neg = negateLiteral(x.value);
          if (neg !== undefined) return literal(neg, x.type);
        }
        return this.#callFn(e.op === '-' ? 'NEGATE' : 'NOT', [x], e.pos);
      }
      case 'binary': {
        const l = this.bindExpr(e.left, ctx);
        const r = this.bindExpr(e.right, ctx);
        switch (e.op) {
          case '=':
          case '<>':
          case '<':
          case '<=':
          case '>':
          case '>=':
            return this.#comparison(e.op, l, r, e.pos);
          case '<=>':
            return this.#callFn('IS NOT DISTINCT FROM', [l, r], e.pos);
          default:
            return this.#callFn(e.op, [l, r], e.pos);
        }
      }
      case 'is': {
        const x = this.bindExpr(e.operand, ctx);
        const test = e.test === 'UNKNOWN' ? 'NULL' : e.test;
        return this.#callFn(`IS ${e.not ? 'NOT ' : ''}${test}`, [x], e.pos);
      }
      case 'between': {
        const x = this.bindExpr(e.operand, ctx);
        const lo = this.bindExpr(e.low, ctx);
        const hi = this.bindExpr(e.high, ctx);
        const inRange = (a: Expr, b: Expr): Expr => this.#callFn('AND', [this.#comparison('>=', x, a, e.pos), this.#comparison('<=', x, b, e.pos)], e.pos);
        let r = inRange(lo, hi);
        if (e.symmetric) r = this.#callFn('OR', [r, inRange(hi, lo)], e.pos);
        return e.not ? this.#callFn('NOT', [r], e.pos) : r;
      }
      case 'in': {
        if (e.subquery !== null || e.list === null) throw this.#unsupported(e.pos, 'IN (subquery) is not supported yet', 'Use a join.');
        const x = this.bindExpr(e.operand, ctx);
        const items = e.list.map((i) => this.bindExpr(i, ctx));
        const r = this.#callFn('IN', [x, ...items], e.pos);
        return e.not ? this.#callFn('NOT', [r], e.pos) : r;
      }
      case 'like': {
        const args = [this.bindExpr(e.operand, ctx), this.bindExpr(e.pattern, ctx)];
        if (e.escape !== null) args.push(this.bindExpr(e.escape, ctx));
        const r = this.#callFn(e.similar ? 'SIMILAR TO' : 'LIKE', args, e.pos);
        return e.not ? this.#callFn('NOT', [r], e.pos) : r;
      }
      case 'case':
        return this.#bindCase(e, ctx);
      case 'cast': {
        const x = this.bindExpr(e.operand, ctx);
        const target = this.#castTarget(e.type, x.type.nullable || e.tryCast);
        if (x.type.kind !== 'NULL' && !canCastExplicitly(x.type, target)) {
          throw this.#error(e.pos, `cannot cast ${formatType(x.type)} to ${formatType(target)}`);
        }
        if (sameTypeIgnoringNull(x.type, target) && !e.tryCast) return x;
        return cast(x, target, e.tryCast);
      }
      case 'call':
        return this.#bindCall(e, ctx);
      case 'subquery':
      case 'exists':
        throw this.#unsupported(e.pos, 'subqueries in expressions are not supported yet', 'Rewrite it as a join.');
      case 'parameter':
        throw this.#error(e.pos, "'?' parameters are only allowed in prepared statements");
      case 'star':
        throw this.#error(e.pos, "'*' is only allowed in a SELECT list or COUNT(*)");
    }
  }

  #castTarget(t: A.TypeName, nullable: boolean): SqlType {
    // MySQL spellings used in CAST.
    switch (t.name) {
      case 'SIGNED':
      case 'SIGNED INTEGER':
        return T.bigint(nullable);
      case 'UNSIGNED':
      case 'UNSIGNED INTEGER':
        return T.decimal(20, 0, nullable);
    }
    return this.#typeOf(t, nullable);
  }

  #typeOf(t: A.TypeName, nullable: boolean): SqlType {
    return resolveTypeName(t, nullable, this.#file);
  }

  #bindIdentifier(e: A.IdentifierExpr, scope: Scope): Expr {
    const parts = e.parts;
    const name = parts[parts.length - 1]!;
    const lname = name.toLowerCase();
    let matches: ScopeColumn[];
    if (parts.length === 1) {
      matches = scope.columns.filter((c) => c.name.toLowerCase() === lname);
    } else {
      const rel = parts[parts.length - 2]!.toLowerCase();
      if (!scope.relations().has(rel)) {
        throw this.#error(e.pos, `unknown table or alias '${parts.slice(0, -1).join('.')}' in '${parts.join('.')}'`, `Tables in scope: ${[...scope.relations()].join(', ') || '(none)'}.`);
      }
      matches = scope.columns.filter((c) => c.relation === rel && c.name.toLowerCase() === lname);
    }
    if (matches.length === 1) return inputRef(matches[0]!.index, matches[0]!.type);
    if (matches.length > 1) {
      const rels = matches.map((m) => m.relation ?? '?').join(', ');
      throw this.#error(e.pos, `column '${name}' is ambiguous: it is in ${rels}`, `Qualify it, e.g. ${matches[0]!.relation ?? 't'}.${name}.`);
    }
    const known = scope.columns.map((c) => (c.relation !== null && parts.length > 1 ? `${c.relation}.${c.name}` : c.name));
    const suggestion = closest(lname, scope.columns.map((c) => c.name));
    throw this.#error(
      e.pos,
      `unknown column '${parts.join('.')}'`,
      suggestion !== null ? `Did you mean '${suggestion}'?` : known.length > 0 ? `Columns in scope: ${[...new Set(known)].join(', ')}.` : undefined,
    );
  }

  #bindNumber(e: A.NumberLiteral): Expr {
    const text = e.text;
    if (/[eE]/.test(text)) return literal(Number(text), T.double(false));
    if (text.includes('.')) {
      const d = Decimal.parse(text);
      if (d === null) throw this.#error(e.pos, `malformed number '${text}'`);
      const p = Math.max(d.precision(), d.scale + 1);
      if (p > 38) return literal(d.toNumber(), T.double(false));
      return literal(d, T.decimal(Math.max(p, 1), d.scale, false));
    }
    const v = BigInt(text);
    if (v >= -2147483648n && v <= 2147483647n) return literal(Number(v), T.int(false));
    if (v >= -9223372036854775808n && v <= 9223372036854775807n) return literal(v, T.bigint(false));
    const digits = text.replace(/^[-+]/, '').length;
    if (digits > 38) throw this.#error(e.pos, `number ${text} is out of range (more than 38 digits)`);
    return literal(new Decimal(v, 0), T.decimal(digits, 0, false));
  }

  #bindTypedLiteral(e: A.TypedLiteral): Expr {
    switch (e.type) {
      case 'DATE': {
        const v = parseDate(e.value);
        if (v === null) throw this.#error(e.pos, `malformed DATE literal '${e.value}'; expected 'YYYY-MM-DD'`);
        return literal(v, T.date(false));
      }
      case 'TIME': {
        const v = parseTime(e.value);
        if (v === null) throw this.#error(e.pos, `malformed TIME literal '${e.value}'; expected 'HH:MM:SS[.fff]'`);
        const frac = /\.(\d+)/.exec(e.value)?.[1]?.length ?? 0;
        return literal(v, T.time(Math.min(frac, 6), false));
      }
      case 'TIMESTAMP': {
        const v = parseTimestamp(e.value);
        if (v === null) throw this.#error(e.pos, `malformed TIMESTAMP literal '${e.value}'; expected 'YYYY-MM-DD HH:MM:SS[.ffffff]'`);
        const frac = /\.(\d+)/.exec(e.value)?.[1]?.length ?? 0;
        return literal(v, T.timestamp(Math.min(frac, 6), false));
      }
      case 'BINARY': {
        if (!/^[0-9a-fA-F]*$/.test(e.value) || e.value.length % 2 !== 0) {
          throw this.#error(e.pos, `malformed binary literal X'${e.value}'; expected an even number of hex digits`);
        }
        return literal(new Uint8Array(Buffer.from(e.value, 'hex')), T.binary(Math.max(1, e.value.length / 2), false));
      }
    }
  }

  #bindCase(e: A.CaseExpr, ctx: BindContext): Expr {
    const operand = e.operand === null ? null : this.bindExpr(e.operand, ctx);
    const whens = e.whens.map((w) => {
      const when = operand === null ? this.#bindBoolean(w.when, ctx, 'WHEN') : this.#comparison('=', operand, this.bindExpr(w.when, ctx), w.when.pos);
      return { when, then: this.bindExpr(w.then, ctx) };
    });
    const otherwise = e.otherwise === null ? null : this.bindExpr(e.otherwise, ctx);
    const results = [...whens.map((w) => w.then.type), ...(otherwise !== null ? [otherwise.type] : [])];
    let type = commonType(results);
    if (type === null) {
      throw this.#error(e.pos, `CASE branches have incompatible types: ${results.map(formatType).join(', ')}`);
    }
    if (type.kind === 'NULL') type = T.string();
    const nullable = otherwise === null || results.some((t) => t.nullable);
    const rt = withNullability(type, nullable);
    const conv = (x: Expr): Expr => (sameTypeIgnoringNull(x.type, rt) ? x : cast(x, withNullability(rt, x.type.nullable)));
    return {
      kind: 'case',
      whens: whens.map((w) => ({ when: w.when, then: conv(w.then) })),
      otherwise: otherwise === null ? null : conv(otherwise),
      type: rt,
    };
  }

  #bindCall(e: A.FunctionCall, ctx: BindContext): Expr {
    const name = e.name[e.name.length - 1]!.toUpperCase();
    if (AGGREGATES.has(name) && e.name.length === 1) {
      throw this.#error(
        e.pos,
        `aggregate function ${name} is not allowed in ${ctx.noAggregates ?? 'this place'}`,
        ctx.noAggregates === 'WHERE' ? 'Filter on aggregates with HAVING.' : undefined,
      );
    }
    if (e.over !== null) throw this.#unsupported(e.pos, `${name}(...) OVER (...) is not supported yet`);
    if (e.distinct || e.star || e.filter !== null) {
      throw this.#error(e.pos, `DISTINCT, * and FILTER are only allowed in aggregate functions, not in ${name}`);
    }
    const args = e.args.map((a) => this.bindExpr(a, ctx));
    return this.#callFn(name, args, e.pos);
  }

  #comparison(op: string, l: Expr, r: Expr, pos: A.Pos): Expr {
    return this.#callFn(op, [l, r], pos);
  }

  /** Resolves a function by name and argument types and inserts the casts it asks for. */
  #callFn(name: string, args: readonly Expr[], pos: A.Pos): Expr {
    const literals = args.map((a) => (a.kind === 'literal' ? a.value : undefined));
    const resolved = this.#at(pos, () => resolveFunction(name, args.map((a) => a.type), literals));
    const cargs = args.map((a, i) => {
      const want = resolved.argTypes[i] ?? a.type;
      if (sameTypeIgnoringNull(a.type, want) || a.type.kind === 'NULL' && want.kind === 'NULL') return a;
      if (a.kind === 'literal' && a.value === null) return literal(null, withNullability(want, true));
      return cast(a, withNullability(want, a.type.nullable));
    });
    return call(name.toUpperCase(), cargs, resolved.resultType);
  }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------


function withHints(table: TableDescriptor, hints: readonly A.Property[]): TableDescriptor {
  const options: Record<string, string> = { ...table.options };
  for (const h of hints) options[h.key] = h.value;
  return { ...table, options };
}

/** Can a query column of type `from` be written into a sink column of type `to`? */
function sinkAssignable(from: SqlType, to: SqlType): boolean {
  if (from.kind === 'NULL') return true;
  if (canCastImplicitly(from, to)) return true;
  if (isCharacter(from) && isCharacter(to)) return true;
  if (isBinary(from) && isBinary(to)) return true;
  if (from.kind === 'DECIMAL' && to.kind === 'DECIMAL') return true;
  if (from.kind === to.kind && (from.kind === 'TIMESTAMP' || from.kind === 'TIMESTAMP_LTZ' || from.kind === 'TIME')) return true;
  return false;
}

function describeFields(fields: readonly Field[]): string {
  return fields.map((f) => `${f.name}: ${formatType(f.type)}`).join(', ');
}

function findColumn(scope: Scope, name: string): ScopeColumn | null {
  const l = name.toLowerCase();
  return scope.columns.find((c) => c.name.toLowerCase() === l) ?? null;
}

function outputName(it: A.SelectItem, i: number): string {
  if (it.alias !== null) return it.alias;
  if (it.expr.kind === 'identifier') return it.expr.parts[it.expr.parts.length - 1]!;
  return `EXPR$${i}`;
}

/** Calcite's rule: a repeated name gets a number appended (`customer_id`, `customer_id0`). */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const n of names) {
    let candidate = n;
    let i = 0;
    while (seen.has(candidate.toLowerCase())) candidate = `${n}${i++}`;
    seen.add(candidate.toLowerCase());
    out.push(candidate);
  }
  return out;
}

function isAggregateCall(e: A.Expr): e is A.FunctionCall {
  return e.kind === 'call' && e.name.length === 1 && AGGREGATES.has(e.name[0]!.toUpperCase()) && e.over === null;
}

function children(e: A.Expr): A.Expr[] {
  switch (e.kind) {
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'is':
      return [e.operand];
    case 'between':
      return [e.operand, e.low, e.high];
    case 'in':
      return [e.operand, ...(e.list ?? [])];
    case 'like':
      return [e.operand, e.pattern, ...(e.escape !== null ? [e.escape] : [])];
    case 'case':
      return [...(e.operand !== null ? [e.operand] : []), ...e.whens.flatMap((w) => [w.when, w.then]), ...(e.otherwise !== null ? [e.otherwise] : [])];
    case 'cast':
      return [e.operand];
    case 'call':
      return [...e.args, ...(e.filter !== null ? [e.filter] : [])];
    default:
      return [];
  }
}

function containsAggregate(e: A.Expr): boolean {
  if (isAggregateCall(e)) return true;
  return children(e).some(containsAggregate);
}

function collectAggregates(e: A.Expr, out: A.FunctionCall[]): void {
  if (isAggregateCall(e)) {
    out.push(e);
    return;
  }
  for (const c of children(e)) collectAggregates(c, out);
}

/** A structural key of a bound expression (for matching GROUP BY expressions). */
export function exprKey(e: Expr): string {
  switch (e.kind) {
    case 'input':
      return `$${e.index}`;
    case 'literal':
      return `lit(${formatType(e.type)}:${literalText(e.value)})`;
    case 'call':
      return `${e.fn}(${e.args.map(exprKey).join(',')})`;
    case 'cast':
      return `${e.tryCast ? 'TRY_CAST' : 'CAST'}(${exprKey(e.arg)} AS ${formatType(e.type)})`;
    case 'case':
      return `CASE(${e.whens.map((w) => `${exprKey(w.when)}->${exprKey(w.then)}`).join(';')};${e.otherwise === null ? '' : exprKey(e.otherwise)})`;
  }
}

function literalText(v: Value): string {
  if (v === null) return 'NULL';
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return `${typeof v}:${String(v)}`;
}

function negateLiteral(v: Value): Value | undefined {
  if (typeof v === 'number') return -v;
  if (typeof v === 'bigint') return -v;
  if (v instanceof Decimal) return v.negate();
  return undefined;
}

function closest(name: string, candidates: readonly string[]): string | null {
  return closestMatch(name, candidates, { ignoreCase: true, limit: (w) => Math.max(1, Math.floor(w.length / 3)) }) ?? null;
}

