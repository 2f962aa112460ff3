import { collectInputs, inputRef, mapInputs, type Expr } from '../core/expr.js';
import { lookupFunction } from '../core/functions/registry.js';
import type { Field } from '../core/schema.js';
import { T, withNullability } from '../core/types.js';
import type { LogicalAggregate, LogicalJoin, LogicalNode, LogicalProject, LogicalSink } from './logical.js';

/**
 * The logical optimizer: bound logical plan → an equivalent logical plan that the planner
 * turns into a cheaper stream plan. Two rewrites, in this order:
 *
 * 1. Filter pushdown. Conditions are split into conjuncts; each deterministic conjunct
 *    moves as far down as it can go without changing the result: through projects (by
 *    substituting the projected expressions, when those are deterministic), into every
 *    input of a UNION ALL, below an aggregate when it reads only group keys (HAVING on a
 *    key becomes WHERE), into the input of a join it reads alone when the join type
 *    allows it, and into an inner join's condition when it reads both sides (so a comma
 *    join with a WHERE becomes an equi-join). Equalities between an expression of each
 *    side of a join (`CAST(a.id AS BIGINT) = b.id`) become key columns computed below
 *    the join, so the planner can use them as join keys.
 * 2. Projection pruning. Every node keeps only the columns its consumers use, plus the
 *    columns of its unique key (so the planner still derives the same unique keys and
 *    upsert keys); projects are inserted below joins, aggregates and unions. A scan is
 *    never replaced: pruning projects go above it, so ChangelogNormalize still sees
 *    full rows.
 *
 * A logical node referenced by several parents (a CTE used twice, the input of several
 * sinks) is rewritten once and stays one node: conditions from one consumer are not
 * pushed into it (they stay above it), and it keeps the union of the columns its
 * consumers need. The output schema (names and types) of every root is unchanged.
 * Non-deterministic conditions (RAND, UUID, NOW, ...) never move.
 */

/** Optimizes the inputs of the sinks of one job together (shared nodes stay shared). */
export function optimizeSinks(sinks: readonly LogicalSink[]): LogicalSink[] {
  const roots = optimizeRoots(sinks.map((s) => s.input));
  return sinks.map((s, i) => (roots[i] === s.input ? s : { table: s.table, input: roots[i]! }));
}

/** Optimizes several plans together: root i of the result has the schema of root i. */
export function optimizeRoots(roots: readonly LogicalNode[]): LogicalNode[] {
  const pushed = new Pushdown(roots).run();
  return new Pruning(pushed).run();
}

/** Optimizes one plan. */
export function optimize(root: LogicalNode): LogicalNode {
  return optimizeRoots([root])[0]!;
}

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

function childrenOf(n: LogicalNode): readonly LogicalNode[] {
  switch (n.kind) {
    case 'scan':
      return [];
    case 'join':
      return [n.left, n.right];
    case 'union':
      return n.inputs;
    default:
      return [n.input];
  }
}

/** How many parents each node has (a root counts its sink as a parent). */
function countParents(roots: readonly LogicalNode[]): Map<LogicalNode, number> {
  const refs = new Map<LogicalNode, number>();
  const visit = (n: LogicalNode): void => {
    const c = (refs.get(n) ?? 0) + 1;
    refs.set(n, c);
    if (c > 1) return;
    for (const ch of childrenOf(n)) visit(ch);
  };
  for (const r of roots) visit(r);
  return refs;
}

/** Top-level conjuncts of a condition; literal TRUE conjuncts are dropped. */
export function conjuncts(e: Expr | null): Expr[] {
  if (e === null) return [];
  if (e.kind === 'call' && e.fn === 'AND') return e.args.flatMap((a) => conjuncts(a));
  if (e.kind === 'literal' && e.value === true) return [];
  return [e];
}

/** One condition from conjuncts (an n-ary AND); null for none. */
function andAll(cs: readonly Expr[]): Expr | null {
  if (cs.length === 0) return null;
  if (cs.length === 1) return cs[0]!;
  return { kind: 'call', fn: 'AND', args: cs, type: T.boolean(cs.some((c) => c.type.nullable)) };
}

/** False when evaluating `e` twice, or on other rows, may give another result (RAND, UUID, NOW, ...). */
export function isDeterministic(e: Expr): boolean {
  switch (e.kind) {
    case 'input':
    case 'literal':
      return true;
    case 'call': {
      const def = lookupFunction(e.fn);
      if (def === undefined || !def.deterministic) return false;
      return e.args.every(isDeterministic);
    }
    case 'cast':
      return isDeterministic(e.arg);
    case 'case':
      return e.whens.every((w) => isDeterministic(w.when) && isDeterministic(w.then)) && (e.otherwise === null || isDeterministic(e.otherwise));
  }
}

/** Replaces input refs of `e` by the expressions they name. */
function substitute(e: Expr, by: readonly Expr[]): Expr {
  switch (e.kind) {
    case 'input':
      return by[e.index]!;
    case 'literal':
      return e;
    case 'call':
      return { kind: 'call', fn: e.fn, args: e.args.map((a) => substitute(a, by)), type: e.type };
    case 'cast':
      return { kind: 'cast', arg: substitute(e.arg, by), type: e.type, tryCast: e.tryCast };
    case 'case':
      return {
        kind: 'case',
        whens: e.whens.map((w) => ({ when: substitute(w.when, by), then: substitute(w.then, by) })),
        otherwise: e.otherwise === null ? null : substitute(e.otherwise, by),
        type: e.type,
      };
  }
}

function shift(e: Expr, by: number): Expr {
  return by === 0 ? e : mapInputs(e, (i) => i + by);
}

function sameList<X>(a: readonly X[], b: readonly X[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameFieldNames(a: readonly Field[], b: readonly Field[]): boolean {
  return a.length === b.length && a.every((f, i) => f.name === b[i]!.name);
}

/** The planner's test for a usable equi-join key pair. */
function sameKeyType(a: Expr, b: Expr): boolean {
  return a.type.kind === b.type.kind && a.type.precision === b.type.precision && a.type.scale === b.type.scale;
}

function withFilter(input: LogicalNode, preds: readonly Expr[]): LogicalNode {
  const condition = andAll(preds);
  if (condition === null) return input;
  return { kind: 'filter', input, condition, fields: input.fields };
}

/** `node` with the field names of `fields` (an identity project when they differ). */
function withFields(node: LogicalNode, fields: readonly Field[]): LogicalNode {
  if (sameFieldNames(node.fields, fields)) return node;
  return { kind: 'project', input: node, exprs: node.fields.map((f, i) => inputRef(i, f.type)), fields };
}

// ---------------------------------------------------------------------------
// 1. Filter pushdown
// ---------------------------------------------------------------------------

type Side = 'none' | 'left' | 'right' | 'both';

function sideOf(e: Expr, nl: number): Side {
  let left = false;
  let right = false;
  for (const i of collectInputs(e)) {
    if (i < nl) left = true;
    else right = true;
  }
  return left ? (right ? 'both' : 'left') : right ? 'right' : 'none';
}

class Pushdown {
  readonly #roots: readonly LogicalNode[];
  readonly #refs: Map<LogicalNode, number>;
  /** Rewritten shared (and root) nodes, with no condition pushed into them. */
  readonly #memo = new Map<LogicalNode, LogicalNode>();

  constructor(roots: readonly LogicalNode[]) {
    this.#roots = roots;
    this.#refs = countParents(roots);
  }

  run(): LogicalNode[] {
    return this.#roots.map((r) => this.#opt(r));
  }

  #opt(n: LogicalNode): LogicalNode {
    const m = this.#memo.get(n);
    if (m !== undefined) return m;
    const r = withFields(this.#rewrite(n, []), n.fields);
    this.#memo.set(n, r);
    return r;
  }

  /** `n` filtered by `preds` (deterministic conditions over n's fields), optimized. */
  #push(n: LogicalNode, preds: readonly Expr[]): LogicalNode {
    if ((this.#refs.get(n) ?? 1) > 1) return withFilter(this.#opt(n), preds);
    return withFields(this.#rewrite(n, preds), n.fields);
  }

  #rewrite(n: LogicalNode, preds: readonly Expr[]): LogicalNode {
    switch (n.kind) {
      case 'scan':
        return withFilter(n, preds);
      case 'filter': {
        const own = conjuncts(n.condition);
        const det = own.filter(isDeterministic);
        const nd = own.filter((c) => !isDeterministic(c));
        const input = this.#push(n.input, [...det, ...preds]);
        if (preds.length === 0 && nd.length === 0 && input.kind === 'filter' && input.input === n.input && sameList(conjuncts(input.condition), det)) {
          return n; // stays where it was
        }
        if (input === n.input && preds.length === 0 && nd.length === own.length) return n;
        return withFilter(input, nd);
      }
      case 'project': {
        const down: Expr[] = [];
        const keep: Expr[] = [];
        for (const p of preds) {
          const refs = collectInputs(p);
          if ([...refs].every((i) => isDeterministic(n.exprs[i]!))) down.push(substitute(p, n.exprs));
          else keep.push(p);
        }
        const input = this.#push(n.input, down);
        return withFilter(input === n.input ? n : { ...n, input }, keep);
      }
      case 'aggregate': {
        const g = n.groupKeys.length;
        const down: Expr[] = [];
        const keep: Expr[] = [];
        for (const p of preds) {
          const refs = collectInputs(p);
          if (refs.size > 0 && [...refs].every((i) => i < g)) down.push(mapInputs(p, (i) => n.groupKeys[i]!));
          else keep.push(p);
        }
        const input = this.#push(n.input, down);
        return withFilter(input === n.input ? n : { ...n, input }, keep);
      }
      case 'union': {
        const inputs = n.inputs.map((i) => this.#push(i, preds));
        return sameList(inputs, n.inputs) ? n : { ...n, inputs };
      }
      case 'join':
        return this.#join(n, preds);
    }
  }

  #join(n: LogicalJoin, preds: readonly Expr[]): LogicalNode {
    const nl = n.left.fields.length;
    const t = n.joinType;
    const own = conjuncts(n.condition);
    const leftP: Expr[] = [];
    const rightP: Expr[] = [];
    const cond: Expr[] = [];
    const above: Expr[] = [];
    // ON: a condition on the side whose rows are padded (the right of a LEFT join) only
    // decides which of its rows can match, so it can filter that input first; a
    // condition on the preserved side must stay (its failing rows are still padded).
    for (const c of own) {
      const s = isDeterministic(c) ? sideOf(c, nl) : 'both';
      if (s === 'left' && (t === 'inner' || t === 'right')) leftP.push(c);
      else if (s === 'right' && (t === 'inner' || t === 'left')) rightP.push(shift(c, -nl));
      else cond.push(c);
    }
    // WHERE: a condition on a preserved side filters that input; one on a padded side
    // stays above (it would turn padded rows into missing ones, or keep them wrongly).
    for (const p of preds) {
      const s = sideOf(p, nl);
      if (s === 'left' && (t === 'inner' || t === 'left')) leftP.push(p);
      else if (s === 'right' && (t === 'inner' || t === 'right')) rightP.push(shift(p, -nl));
      else if (s === 'both' && t === 'inner') cond.push(p);
      else above.push(p);
    }
    const left = this.#push(n.left, leftP);
    const right = this.#push(n.right, rightP);
    const unchanged = left === n.left && right === n.right && sameList(cond, own);
    const join = this.#withKeyColumns(unchanged ? n : { ...n, left, right, condition: andAll(cond) });
    return withFilter(join, above);
  }

  /**
   * Equalities between an expression over the left input and one over the right
   * (`CAST(a.id AS BIGINT) = b.id`) become equalities of two input refs: each expression
   * is computed by a project below its side, and a project above drops those columns.
   */
  #withKeyColumns(n: LogicalJoin): LogicalNode {
    const nl = n.left.fields.length;
    const nr = n.right.fields.length;
    // Computed key expressions per side, and for each conjunct the pair of key columns it
    // becomes (left index, right index relative to the right input), or null.
    const lx: Expr[] = [];
    const rx: Expr[] = [];
    const pairs: ([number, number] | null)[] = [];
    const cs = conjuncts(n.condition);
    for (const c of cs) {
      pairs.push(null);
      if (c.kind !== 'call' || c.fn !== '=' || c.args.length !== 2 || !isDeterministic(c)) continue;
      let [a, b] = c.args as [Expr, Expr];
      if (sideOf(a, nl) === 'right' && sideOf(b, nl) === 'left') [a, b] = [b, a];
      if (sideOf(a, nl) !== 'left' || sideOf(b, nl) !== 'right') continue;
      if (a.kind === 'input' && b.kind === 'input') continue;
      if (!sameKeyType(a, b)) continue;
      const li = a.kind === 'input' ? a.index : nl + lx.push(a) - 1;
      const ri = b.kind === 'input' ? b.index - nl : nr + rx.push(shift(b, -nl)) - 1;
      pairs[pairs.length - 1] = [li, ri];
    }
    if (lx.length === 0 && rx.length === 0) return n;
    const kl = lx.length;
    const extend = (input: LogicalNode, extra: readonly Expr[]): LogicalNode => {
      if (extra.length === 0) return input;
      const w = input.fields.length;
      const fields = [...input.fields, ...extra.map((e, i) => ({ name: `$f${w + i}`, type: e.type }))];
      return { kind: 'project', input, exprs: [...input.fields.map((f, i) => inputRef(i, f.type)), ...extra], fields };
    };
    const left = extend(n.left, lx);
    const right = extend(n.right, rx);
    const padLeft = n.joinType === 'right' || n.joinType === 'full';
    const padRight = n.joinType === 'left' || n.joinType === 'full';
    const pad = (f: Field, p: boolean): Field => (p ? { name: f.name, type: withNullability(f.type, true) } : f);
    const fields = [
      ...n.fields.slice(0, nl),
      ...left.fields.slice(nl).map((f) => pad(f, padLeft)),
      ...n.fields.slice(nl),
      ...right.fields.slice(nr).map((f) => pad(f, padRight)),
    ];
    // Output position of original join column i, and of a right input column j.
    const moved = (i: number): number => (i < nl ? i : i + kl);
    const condition = andAll(
      cs.map((c, i) => {
        const p = pairs[i]!;
        if (p === null) return mapInputs(c, moved);
        const [li, ri] = p;
        const r = nl + kl + ri;
        return { kind: 'call', fn: '=', args: [inputRef(li, fields[li]!.type), inputRef(r, fields[r]!.type)], type: c.type };
      }),
    );
    const join: LogicalJoin = { kind: 'join', joinType: n.joinType, left, right, condition, fields };
    return {
      kind: 'project',
      input: join,
      exprs: n.fields.map((_, i) => inputRef(moved(i), fields[moved(i)]!.type)),
      fields: n.fields,
    };
  }
}

// ---------------------------------------------------------------------------
// 2. Projection pruning
// ---------------------------------------------------------------------------

/** A rewritten node: `cols[i]` is the column of the original node that output column i is. */
interface Built {
  readonly node: LogicalNode;
  readonly cols: readonly number[];
}

function sortedUnique(xs: Iterable<number>): number[] {
  return [...new Set(xs)].sort((a, b) => a - b);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function inverse(cols: readonly number[], width: number): Int32Array {
  const inv = new Int32Array(width).fill(-1);
  cols.forEach((c, i) => {
    inv[c] = i;
  });
  return inv;
}

function remap(e: Expr, inv: Int32Array): Expr {
  return mapInputs(e, (i) => inv[i]!);
}

/** Equi-join keys as the planner extracts them: `=` of input refs of opposite sides, same key type. */
function equiKeys(n: LogicalJoin): { left: number[]; right: number[] } {
  const nl = n.left.fields.length;
  const left: number[] = [];
  const right: number[] = [];
  for (const c of conjuncts(n.condition)) {
    if (c.kind !== 'call' || c.fn !== '=' || c.args.length !== 2) continue;
    const [a, b] = c.args as [Expr, Expr];
    if (a.kind !== 'input' || b.kind !== 'input' || !sameKeyType(a, b)) continue;
    if (a.index < nl && b.index >= nl) {
      left.push(a.index);
      right.push(b.index - nl);
    } else if (b.index < nl && a.index >= nl) {
      left.push(b.index);
      right.push(a.index - nl);
    }
  }
  return { left, right };
}

class Pruning {
  readonly #roots: readonly LogicalNode[];
  readonly #refs: Map<LogicalNode, number>;
  readonly #needs = new Map<LogicalNode, Set<number>>();
  readonly #uk = new Map<LogicalNode, readonly number[] | null>();
  readonly #built = new Map<LogicalNode, Built>();

  constructor(roots: readonly LogicalNode[]) {
    this.#roots = roots;
    this.#refs = countParents(roots);
  }

  run(): LogicalNode[] {
    // Parents before children, so a node's needs are complete when it is visited.
    const order: LogicalNode[] = [];
    const seen = new Set<LogicalNode>();
    const visit = (n: LogicalNode): void => {
      if (seen.has(n)) return;
      seen.add(n);
      for (const c of childrenOf(n)) visit(c);
      order.push(n);
    };
    for (const r of this.#roots) visit(r);
    order.reverse();
    for (const r of this.#roots) this.#need(r, range(r.fields.length));
    for (const n of order) {
      const demands = this.#demands(n, this.#kept(n));
      childrenOf(n).forEach((c, i) => this.#need(c, demands[i]!));
    }
    return this.#roots.map((r) => this.#narrow(this.#build(r), r, range(r.fields.length)));
  }

  #need(n: LogicalNode, cols: readonly number[]): void {
    let s = this.#needs.get(n);
    if (s === undefined) {
      s = new Set();
      this.#needs.set(n, s);
    }
    for (const c of cols) s.add(c);
  }

  /** The columns `n` must keep: those its consumers use, and its unique key. */
  #kept(n: LogicalNode): number[] {
    const k = sortedUnique([...(this.#needs.get(n) ?? []), ...(this.#ukOf(n) ?? [])]);
    // A union of rows without columns is not worth the risk: keep one.
    if (n.kind === 'union' && k.length === 0 && n.fields.length > 0) return [0];
    return k;
  }

  /** What `n`, keeping `kept`, needs from each of its inputs. */
  #demands(n: LogicalNode, kept: readonly number[]): number[][] {
    switch (n.kind) {
      case 'scan':
        return [];
      case 'filter':
        return [sortedUnique([...kept, ...collectInputs(n.condition)])];
      case 'project': {
        const s = new Set<number>();
        for (const k of kept) collectInputs(n.exprs[k]!, s);
        return [sortedUnique(s)];
      }
      case 'join': {
        const nl = n.left.fields.length;
        const cond = n.condition === null ? new Set<number>() : collectInputs(n.condition);
        const all = [...kept, ...cond];
        const l = sortedUnique(all.filter((i) => i < nl));
        const r = sortedUnique(all.filter((i) => i >= nl).map((i) => i - nl));
        return [this.#atLeastOne(l, n.left), this.#atLeastOne(r, n.right)];
      }
      case 'aggregate': {
        const s = new Set<number>(n.groupKeys);
        for (const a of n.aggs) {
          for (const x of a.args) s.add(x);
          if (a.filter !== null) s.add(a.filter);
        }
        return [sortedUnique(s)];
      }
      case 'union':
        return n.inputs.map(() => [...kept]);
    }
  }

  /** A join input read for no column still keeps one (its unique key, else its first column). */
  #atLeastOne(cols: number[], input: LogicalNode): number[] {
    if (cols.length > 0 || input.fields.length === 0) return cols;
    const uk = this.#ukOf(input);
    return uk !== null && uk.length > 0 ? sortedUnique(uk) : [0];
  }

  /** The unique key of `n`'s output as the planner derives it (null: none known). */
  #ukOf(n: LogicalNode): readonly number[] | null {
    if (this.#uk.has(n)) return this.#uk.get(n)!;
    let u: readonly number[] | null;
    switch (n.kind) {
      case 'scan': {
        const pk = n.table.primaryKey;
        u = pk !== null && pk.length > 0 ? pk : null;
        break;
      }
      case 'filter':
        u = this.#ukOf(n.input);
        break;
      case 'project': {
        const iu = this.#ukOf(n.input);
        if (iu === null) u = null;
        else {
          const out: number[] = [];
          for (const k of iu) {
            const j = n.exprs.findIndex((e) => e.kind === 'input' && e.index === k);
            if (j < 0) break;
            out.push(j);
          }
          u = out.length === iu.length ? out : null;
        }
        break;
      }
      case 'join': {
        const nl = n.left.fields.length;
        const keys = equiKeys(n);
        const lu = this.#ukOf(n.left);
        const ru = this.#ukOf(n.right);
        const rightAtMostOne = ru !== null && ru.every((k) => keys.right.includes(k));
        const leftAtMostOne = lu !== null && lu.every((k) => keys.left.includes(k));
        const t = n.joinType;
        if (rightAtMostOne && lu !== null && t !== 'right' && t !== 'full') u = [...lu];
        else if (leftAtMostOne && ru !== null && t !== 'left' && t !== 'full') u = ru.map((k) => k + nl);
        else if (lu !== null && ru !== null) u = [...lu, ...ru.map((k) => k + nl)];
        else u = null;
        break;
      }
      case 'aggregate':
        u = n.groupKeys.map((_, i) => i);
        break;
      case 'union':
        u = null;
        break;
    }
    this.#uk.set(n, u);
    return u;
  }

  /** `b` (built from `orig`) reduced to exactly the original columns `target` (each in b.cols). */
  #narrow(b: Built, orig: LogicalNode, target: readonly number[]): LogicalNode {
    if (sameList(b.cols, target)) return b.node;
    const inv = inverse(b.cols, Math.max(0, ...b.cols) + 1);
    const pos = target.map((c) => inv[c]!);
    const fields = pos.map((p) => b.node.fields[p]!);
    const node = b.node;
    if (node.kind === 'project' && (this.#refs.get(orig) ?? 1) <= 1) {
      // Select from the project itself rather than stacking a second one.
      return { kind: 'project', input: node.input, exprs: pos.map((p) => node.exprs[p]!), fields };
    }
    return { kind: 'project', input: node, exprs: pos.map((p, i) => inputRef(p, fields[i]!.type)), fields };
  }

  #build(n: LogicalNode): Built {
    const memo = this.#built.get(n);
    if (memo !== undefined) return memo;
    const b = this.#buildNew(n);
    this.#built.set(n, b);
    return b;
  }

  #buildNew(n: LogicalNode): Built {
    const all = range(n.fields.length);
    switch (n.kind) {
      case 'scan':
        return { node: n, cols: all };
      case 'filter': {
        const c = this.#build(n.input);
        if (c.node === n.input) return { node: n, cols: c.cols };
        const inv = inverse(c.cols, n.fields.length);
        return {
          node: { kind: 'filter', input: c.node, condition: remap(n.condition, inv), fields: c.cols.map((i) => n.fields[i]!) },
          cols: c.cols,
        };
      }
      case 'project': {
        const kept = this.#kept(n);
        const c = this.#build(n.input);
        if (c.node === n.input && kept.length === n.exprs.length) return { node: n, cols: all };
        const inv = inverse(c.cols, n.input.fields.length);
        return {
          node: { kind: 'project', input: c.node, exprs: kept.map((k) => remap(n.exprs[k]!, inv)), fields: kept.map((k) => n.fields[k]!) },
          cols: kept,
        };
      }
      case 'join': {
        const nl = n.left.fields.length;
        const [dl, dr] = this.#demands(n, this.#kept(n)) as [number[], number[]];
        // Each input keeps its unique key, so the join still knows it (map state, upsert keys).
        const tl = sortedUnique([...dl, ...(this.#ukOf(n.left) ?? [])]);
        const tr = sortedUnique([...dr, ...(this.#ukOf(n.right) ?? [])]);
        const bl = this.#build(n.left);
        const br = this.#build(n.right);
        const left = this.#narrow(bl, n.left, tl);
        const right = this.#narrow(br, n.right, tr);
        if (left === n.left && right === n.right) return { node: n, cols: all };
        const cols = [...tl, ...tr.map((j) => j + nl)];
        const inv = inverse(cols, n.fields.length);
        const node: LogicalJoin = {
          kind: 'join',
          joinType: n.joinType,
          left,
          right,
          condition: n.condition === null ? null : remap(n.condition, inv),
          fields: cols.map((i) => n.fields[i]!),
        };
        return { node, cols };
      }
      case 'aggregate': {
        const [need] = this.#demands(n, all) as [number[]];
        const input = this.#narrow(this.#build(n.input), n.input, need);
        if (input === n.input) return { node: n, cols: all };
        const inv = inverse(need, n.input.fields.length);
        const node: LogicalAggregate = {
          kind: 'aggregate',
          input,
          groupKeys: n.groupKeys.map((k) => inv[k]!),
          aggs: n.aggs.map((a) => ({ ...a, args: a.args.map((x) => inv[x]!), filter: a.filter === null ? null : inv[a.filter]! })),
          fields: n.fields,
        };
        return { node, cols: all };
      }
      case 'union': {
        const kept = this.#kept(n);
        const inputs = n.inputs.map((i) => this.#narrow(this.#build(i), i, kept));
        if (sameList(inputs, n.inputs)) return { node: n, cols: all };
        return { node: { kind: 'union', inputs, fields: kept.map((k) => n.fields[k]!) }, cols: kept };
      }
    }
  }
}
