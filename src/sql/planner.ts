import type { ConnectorTraits } from '../core/connector-traits.js';
import { StrataError } from '../core/errors.js';
import { inputRef, type Expr } from '../core/expr.js';
import type { StreamNode, StreamPlan, TableDescriptor, JoinType } from '../core/plan.js';
import { ALL_CHANGES, INSERT_ONLY, isInsertOnly, type ChangelogMode } from '../core/row-kind.js';
import type { Field, Schema } from '../core/schema.js';
import { T } from '../core/types.js';
import type { LogicalNode, LogicalSink } from './logical.js';
import { describeNode } from './explain.js';
import { isDeterministic, optimizeSinks } from './optimizer.js';

/**
 * The planner: logical plan → stream plan. It decides how each operator is maintained
 * and derives every edge's changelog mode the way Flink does:
 *
 * - A source produces what its connector says: insert-only (datagen, kafka+json), upsert
 *   (upsert-kafka: I, UA, D by primary key) or all changes (mysql-cdc). An upsert source
 *   is followed by ChangelogNormalize, which turns it into a full changelog (I, UB, UA, D)
 *   keyed by the primary key, so every operator after it can retract.
 * - Calc and union keep the modes of their inputs.
 * - A join of two insert-only inputs is insert-only when inner; otherwise it emits I and
 *   D (a retraction of a joined or padded row is a delete, an accumulation an insert).
 * - A group aggregate emits I, UB, UA, D keyed by its group keys.
 * - Before a sink: an insert-only sink rejects any update or delete (a planning error
 *   naming the node that produces them); an upsert sink needs a primary key and gets
 *   DropUpdateBefore when the stream's unique key is the sink's key, else an
 *   UpsertMaterialize keyed by the sink's key first.
 *
 * Identical scans of one table (same path and options) become one source node, and a
 * logical node shared by several queries (a view or CTE used twice, or the statements of
 * a STATEMENT SET) becomes one stream node.
 */

/** A stream node before it has an id (distributes Omit over the union). */
type NodeInit = StreamNode extends infer N ? (N extends StreamNode ? Omit<N, 'id'> : never) : never;

interface Planned {
  readonly id: number;
  readonly mode: ChangelogMode;
  readonly upsertKey: readonly number[] | null;
  readonly fields: readonly Field[];
}

export class Planner {
  readonly #traits: ConnectorTraits;
  readonly #nodes: StreamNode[] = [];
  readonly #memo = new Map<LogicalNode, Planned>();
  readonly #scans = new Map<string, Planned>();
  /** How many parents each logical node has (a node with several is planned once and shared). */
  readonly #refs = new Map<LogicalNode, number>();
  /** Stream nodes that feed more than one consumer: never folded into their consumer. */
  readonly #shared = new Set<number>();

  constructor(traits: ConnectorTraits) {
    this.#traits = traits;
  }

  /**
   * Plans the INSERTs of one job (a single INSERT or a STATEMENT SET) into one DAG, after
   * the logical optimizer (optimizer.ts) has rewritten them together (shared nodes stay shared).
   */
  static plan(sinks: readonly LogicalSink[], traits: ConnectorTraits): StreamPlan {
    const p = new Planner(traits);
    const optimized = optimizeSinks(sinks);
    for (const s of optimized) p.countReferences(s.input);
    for (const s of optimized) p.addSink(s);
    return p.finish();
  }

  /** Counts parents of every logical node under `n` (call for each sink before planning). */
  countReferences(n: LogicalNode): void {
    const c = (this.#refs.get(n) ?? 0) + 1;
    this.#refs.set(n, c);
    if (c > 1) return;
    switch (n.kind) {
      case 'scan':
        return;
      case 'join':
        this.countReferences(n.left);
        this.countReferences(n.right);
        return;
      case 'union':
        for (const i of n.inputs) this.countReferences(i);
        return;
      default:
        this.countReferences(n.input);
    }
  }

  finish(): StreamPlan {
    return { nodes: this.#nodes };
  }

  #add(node: NodeInit): Planned {
    const id = this.#nodes.length;
    const full = { ...node, id } as StreamNode;
    this.#nodes.push(full);
    return { id, mode: full.mode, upsertKey: full.upsertKey, fields: full.schema.fields };
  }

  #node(id: number): StreamNode {
    return this.#nodes[id]!;
  }

  addSink(sink: LogicalSink): number {
    const table = sink.table;
    this.#traits.validate(table, 'sink');
    let input = this.#plan(sink.input);
    const accepts = this.#traits.sinkAccepts(table);
    const name = table.path.join('.');
    if (accepts === 'insert-only' && !isInsertOnly(input.mode)) {
      throw new StrataError(
        'SQL_PLAN',
        `table sink '${name}' doesn't support consuming update and delete changes which are produced by node ${describeNode(this.#producerOfUpdates(input.id), (i) => this.#nodes[i])}`,
        { hint: "Write into a table with a primary key and an upsert connector (e.g. 'upsert-kafka'), or keep the query insert-only." },
      );
    }
    if (accepts === 'upsert' && !isInsertOnly(input.mode)) {
      const pk = table.primaryKey;
      if (pk === null || pk.length === 0) {
        throw new StrataError('SQL_PLAN', `table sink '${name}' writes upserts and needs a primary key, but has none`, {
          hint: 'Declare PRIMARY KEY (...) NOT ENFORCED on the sink table.',
        });
      }
      if (input.upsertKey !== null && sameSet(input.upsertKey, pk)) {
        if (input.mode.updateBefore) input = this.#dropUpdateBefore(input);
      } else {
        input = this.#add({
          kind: 'upsert-materialize',
          input: input.id,
          key: pk,
          schema: schemaOf(input.fields),
          mode: { insert: true, updateBefore: false, updateAfter: true, delete: true },
          upsertKey: pk,
        });
      }
    }
    const planned = this.#add({
      kind: 'sink',
      input: input.id,
      table,
      schema: table.schema,
      mode: input.mode,
      upsertKey: table.primaryKey,
    });
    return planned.id;
  }

  /** The nearest node upstream of `id` that introduces updates (for error messages). */
  #producerOfUpdates(id: number): StreamNode {
    let n = this.#node(id);
    for (;;) {
      if (n.kind === 'calc' || n.kind === 'union' || n.kind === 'drop-update-before') {
        const ins = n.kind === 'union' ? n.inputs : [n.input];
        const next = ins.map((i) => this.#node(i)).find((x) => !isInsertOnly(x.mode));
        if (next === undefined) return n;
        n = next;
        continue;
      }
      return n;
    }
  }

  #dropUpdateBefore(input: Planned): Planned {
    return this.#add({
      kind: 'drop-update-before',
      input: input.id,
      schema: schemaOf(input.fields),
      mode: { ...input.mode, updateBefore: false },
      upsertKey: input.upsertKey,
    });
  }

  #plan(n: LogicalNode): Planned {
    const memo = this.#memo.get(n);
    if (memo !== undefined) return memo;
    const p = this.#planNew(n);
    this.#memo.set(n, p);
    if ((this.#refs.get(n) ?? 1) > 1) this.#shared.add(p.id);
    return p;
  }

  #planNew(n: LogicalNode): Planned {
    switch (n.kind) {
      case 'scan':
        return this.#planScan(n.table);
      case 'filter': {
        // Filter followed by nothing else: a calc with an identity projection.
        const input = this.#plan(n.input);
        return this.#calc(input, n.fields.map((f, i) => inputRef(i, f.type)), n.condition, n.fields);
      }
      case 'project': {
        if (n.input.kind === 'filter' && (this.#refs.get(n.input) ?? 1) <= 1 && !this.#memo.has(n.input)) {
          const input = this.#plan(n.input.input);
          return this.#calc(input, n.exprs, n.input.condition, n.fields);
        }
        const input = this.#plan(n.input);
        if (n.exprs.length === input.fields.length && n.exprs.every((e, i) => e.kind === 'input' && e.index === i)) {
          // Identity: only the names change; reuse the input stream.
          return { ...input, fields: n.fields };
        }
        return this.#calc(input, n.exprs, null, n.fields);
      }
      case 'join':
        return this.#planJoin(n.joinType, this.#plan(n.left), this.#plan(n.right), n.condition, n.fields);
      case 'aggregate': {
        const input = this.#plan(n.input);
        return this.#add({
          kind: 'group-aggregate',
          input: input.id,
          groupKeys: n.groupKeys,
          aggs: n.aggs,
          schema: schemaOf(n.fields),
          mode: ALL_CHANGES,
          upsertKey: n.groupKeys.map((_, i) => i),
        });
      }
      case 'union': {
        const inputs = n.inputs.map((i) => this.#plan(i));
        const mode: ChangelogMode = {
          insert: inputs.some((i) => i.mode.insert),
          updateBefore: inputs.some((i) => i.mode.updateBefore),
          updateAfter: inputs.some((i) => i.mode.updateAfter),
          delete: inputs.some((i) => i.mode.delete),
        };
        return this.#add({ kind: 'union', inputs: inputs.map((i) => i.id), schema: schemaOf(n.fields), mode, upsertKey: null });
      }
    }
  }

  #planScan(table: TableDescriptor): Planned {
    const key = JSON.stringify([table.path.map((p) => p.toLowerCase()), Object.entries(table.options).sort()]);
    const existing = this.#scans.get(key);
    if (existing !== undefined) return existing;
    this.#traits.validate(table, 'source');
    const mode = this.#traits.sourceMode(table);
    const pk = table.primaryKey;
    let p = this.#add({
      kind: 'source',
      table,
      schema: table.schema,
      mode,
      upsertKey: pk !== null && pk.length > 0 ? pk : null,
    });
    if (mode.updateAfter && !mode.updateBefore) {
      // An upsert source: rebuild the full changelog from the last row per key.
      if (pk === null || pk.length === 0) {
        throw new StrataError('SQL_PLAN', `table '${table.path.join('.')}' is read as an upsert stream and needs a primary key, but has none`, {
          hint: 'Declare PRIMARY KEY (...) NOT ENFORCED on the table.',
        });
      }
      p = this.#add({
        kind: 'changelog-normalize',
        input: p.id,
        key: pk,
        schema: table.schema,
        mode: ALL_CHANGES,
        upsertKey: pk,
      });
    }
    this.#scans.set(key, p);
    return p;
  }

  #calc(input: Planned, projections: readonly Expr[], condition: Expr | null, fields: readonly Field[]): Planned {
    // Merge into a preceding calc that is used only here would change sharing; keep it simple:
    // fold a calc over an unshared calc by substitution.
    const prev = this.#node(input.id);
    // Substitution would evaluate a non-deterministic projection (RAND(), UUID()) once per
    // reference instead of once per row: keep such calcs apart.
    if (prev.kind === 'calc' && this.#isLastNode(prev.id) && !this.#isShared(prev.id) && prev.projections.every(isDeterministic)) {
      const sub = (e: Expr): Expr => substitute(e, prev.projections);
      const cond = condition === null ? prev.condition : prev.condition === null ? sub(condition) : andExpr(prev.condition, sub(condition));
      this.#nodes.pop();
      return this.#makeCalc(this.#info(prev.input), projections.map(sub), cond, fields);
    }
    return this.#makeCalc(input, projections, condition, fields);
  }

  #info(id: number): Planned {
    const n = this.#node(id);
    return { id, mode: n.mode, upsertKey: n.upsertKey, fields: n.schema.fields };
  }

  #isLastNode(id: number): boolean {
    return id === this.#nodes.length - 1;
  }

  #isShared(id: number): boolean {
    if (this.#shared.has(id)) return true;
    for (const p of this.#scans.values()) if (p.id === id) return true;
    return false;
  }

  #makeCalc(input: Planned, projections: readonly Expr[], condition: Expr | null, fields: readonly Field[]): Planned {
    // The unique key survives when each of its fields is projected unchanged.
    let upsertKey: number[] | null = null;
    if (input.upsertKey !== null) {
      const out: number[] = [];
      for (const k of input.upsertKey) {
        const j = projections.findIndex((e) => e.kind === 'input' && e.index === k);
        if (j < 0) {
          upsertKey = null;
          break;
        }
        out.push(j);
        upsertKey = out;
      }
      if (input.upsertKey.length === 0) upsertKey = [];
    }
    return this.#add({
      kind: 'calc',
      input: input.id,
      projections,
      condition,
      schema: schemaOf(fields),
      mode: input.mode,
      upsertKey,
    });
  }

  #planJoin(joinType: JoinType, left: Planned, right: Planned, condition: Expr | null, fields: readonly Field[]): Planned {
    const nl = left.fields.length;
    const leftKeys: number[] = [];
    const rightKeys: number[] = [];
    const rest: Expr[] = [];
    for (const c of conjuncts(condition)) {
      if (c.kind === 'call' && c.fn === '=' && c.args.length === 2) {
        const [a, b] = c.args as [Expr, Expr];
        const aIn = a.kind === 'input' ? a.index : -1;
        const bIn = b.kind === 'input' ? b.index : -1;
        if (aIn >= 0 && bIn >= 0 && aIn < nl && bIn >= nl && sameKeyType(a, b)) {
          leftKeys.push(aIn);
          rightKeys.push(bIn - nl);
          continue;
        }
        if (aIn >= 0 && bIn >= 0 && bIn < nl && aIn >= nl && sameKeyType(a, b)) {
          leftKeys.push(bIn);
          rightKeys.push(aIn - nl);
          continue;
        }
      }
      rest.push(c);
    }
    const residual = rest.length === 0 ? null : rest.reduce((x, y) => andExpr(x, y));
    const insertOnly = joinType === 'inner' && isInsertOnly(left.mode) && isInsertOnly(right.mode);
    const mode: ChangelogMode = insertOnly ? INSERT_ONLY : { insert: true, updateBefore: false, updateAfter: false, delete: true };
    const lu = left.upsertKey;
    const ru = right.upsertKey;
    const rightAtMostOne = ru !== null && ru.every((k) => rightKeys.includes(k));
    const leftAtMostOne = lu !== null && lu.every((k) => leftKeys.includes(k));
    let upsertKey: number[] | null = null;
    if (rightAtMostOne && lu !== null && joinType !== 'right' && joinType !== 'full') upsertKey = [...lu];
    else if (leftAtMostOne && ru !== null && joinType !== 'left' && joinType !== 'full') upsertKey = ru.map((k) => k + nl);
    else if (lu !== null && ru !== null) upsertKey = [...lu, ...ru.map((k) => k + nl)];
    return this.#add({
      kind: 'join',
      joinType,
      left: left.id,
      right: right.id,
      leftKeys,
      rightKeys,
      condition: residual,
      leftUniqueKey: lu,
      rightUniqueKey: ru,
      schema: schemaOf(fields),
      mode,
      upsertKey,
    });
  }
}

function schemaOf(fields: readonly Field[]): Schema {
  return { fields };
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function sameKeyType(a: Expr, b: Expr): boolean {
  return a.type.kind === b.type.kind && a.type.precision === b.type.precision && a.type.scale === b.type.scale;
}

function conjuncts(e: Expr | null): Expr[] {
  if (e === null) return [];
  if (e.kind === 'call' && e.fn === 'AND') return e.args.flatMap((a) => conjuncts(a));
  return [e];
}

function andExpr(a: Expr, b: Expr): Expr {
  return { kind: 'call', fn: 'AND', args: [a, b], type: T.boolean(a.type.nullable || b.type.nullable) };
}

/** Replaces input refs of `e` by the expressions they name. */
function substitute(e: Expr, by: readonly Expr[]): Expr {
  switch (e.kind) {
    case 'input':
      return by[e.index]!;
    case 'literal':
      return e;
    case 'call':
      return { ...e, args: e.args.map((a) => substitute(a, by)) };
    case 'cast':
      return { ...e, arg: substitute(e.arg, by) };
    case 'case':
      return {
        ...e,
        whens: e.whens.map((w) => ({ when: substitute(w.when, by), then: substitute(w.then, by) })),
        otherwise: e.otherwise === null ? null : substitute(e.otherwise, by),
      };
  }
}

