import { ChangeBatch } from '../core/batch.js';
import { StrataError } from '../core/errors.js';
import type { StreamNode, StreamNodeKind, StreamPlan, StreamSink, StreamSource } from '../core/plan.js';
import { nodeInputs } from '../core/plan.js';
import { isInsertOnly } from '../core/row-kind.js';
import type { SinkWriter, SourceReader } from './connector.js';
import { compilePredicate, type EvalContext } from './expr/compile.js';
import type { Operator } from './operator.js';
import { CalcOperator } from './operators/calc.js';
import { ChangelogNormalizeOperator } from './operators/changelog-normalize.js';
import { DropUpdateBeforeOperator } from './operators/drop-update-before.js';
import { GroupAggregateOperator } from './operators/group-aggregate.js';
import { JoinOperator } from './operators/join.js';
import { UnionOperator } from './operators/union.js';
import { UpsertMaterializeOperator } from './operators/upsert-materialize.js';
import type { StateValue, StateWriter } from './state/codec.js';
import type { OperatorStateOptions, StateBudget } from './state/state-budget.js';

/** What the graph needs from the outside: connectors build readers and writers. */
export interface GraphDeps {
  createSource(node: StreamSource): SourceReader;
  createSink(node: StreamSink): SinkWriter;
  readonly evalContext?: EvalContext;
  /**
   * The memory budget of this job's operator state (`SET 'state.memory-budget'`, see
   * `stateBudgetFromSetting`): past it, keyed state spills to disk. Absent: all state in
   * memory. One budget per job; the job closes it when it stops.
   */
  readonly stateBudget?: StateBudget | undefined;
}

/** Per-node counters, for metrics and EXPLAIN ANALYZE-style reports. */
export interface NodeMetrics {
  rowsIn: number;
  rowsOut: number;
}

type Builder = (
  node: StreamNode,
  graph: StreamPlanIndex,
  ctx: EvalContext | undefined,
  state: OperatorStateOptions,
) => Operator | null;

interface StreamPlanIndex {
  node(id: number): StreamNode;
}

/** How each plan node becomes an operator; sources and sinks have none. */
const BUILDERS: Record<StreamNodeKind, Builder> = {
  source: () => null,
  sink: () => null,
  calc: (n, _g, ctx) => new CalcOperator(n as Extract<StreamNode, { kind: 'calc' }>, ctx),
  'changelog-normalize': (n, _g, _ctx, state) =>
    new ChangelogNormalizeOperator(n as Extract<StreamNode, { kind: 'changelog-normalize' }>, state),
  'drop-update-before': () => new DropUpdateBeforeOperator(),
  'upsert-materialize': (n, _g, _ctx, state) =>
    new UpsertMaterializeOperator(n as Extract<StreamNode, { kind: 'upsert-materialize' }>, state),
  union: () => new UnionOperator(),
  join: (n, g, ctx, state) => {
    const j = n as Extract<StreamNode, { kind: 'join' }>;
    const la = g.node(j.left).schema.fields.length;
    const ra = g.node(j.right).schema.fields.length;
    const cond = j.condition === null ? null : compilePredicate(j.condition, ctx);
    return new JoinOperator(j, la, ra, cond, state);
  },
  'group-aggregate': (n, g, _ctx, state) => {
    const a = n as Extract<StreamNode, { kind: 'group-aggregate' }>;
    const input = g.node(a.input);
    return new GroupAggregateOperator(
      a,
      input.schema.fields.map((f) => f.type),
      { insertOnlyInput: isInsertOnly(input.mode), budget: state.budget },
    );
  },
};

/**
 * A stream plan made runnable: one operator per node, wired as the plan says. `push`
 * runs one synchronous step: a batch from one source flows through every downstream
 * operator, in topological order, and reaches the sinks' writers. No step awaits.
 *
 * Checkpoint contract: between two steps, `snapshot()` captures every operator's state;
 * `restore()` on a graph built from the same plan yields the same behaviour.
 * Incrementally: `snapshotDelta()` captures what changed since the last snapshot or
 * delta (operators without deltas in full), and `restore(s)` followed by
 * `restoreDelta(d1..dk)` in order yields the graph as it was at `dk`.
 */
export class JobGraph {
  readonly plan: StreamPlan;
  readonly sources: { readonly node: StreamSource; readonly reader: SourceReader }[] = [];
  readonly sinks: { readonly node: StreamSink; readonly writer: SinkWriter }[] = [];
  readonly metrics: NodeMetrics[];
  readonly #ops: (Operator | null)[];
  readonly #writers: (SinkWriter | null)[];
  /** For each source node id: the downstream node ids in topological order. */
  readonly #downstream = new Map<number, number[]>();
  /** For each node: its input node ids by port. */
  readonly #inputs: (readonly number[])[];
  readonly #out: (ChangeBatch | null)[];

  constructor(plan: StreamPlan, deps: GraphDeps) {
    this.plan = plan;
    const byId: StreamNode[] = [];
    for (const n of plan.nodes) byId[n.id] = n;
    const index: StreamPlanIndex = {
      node: (id) => {
        const n = byId[id];
        if (n === undefined) throw new StrataError('INTERNAL', `stream plan refers to missing node ${id}`);
        return n;
      },
    };
    this.#ops = [];
    this.#writers = [];
    this.#inputs = [];
    this.metrics = [];
    this.#out = [];
    const state: OperatorStateOptions = { budget: deps.stateBudget };
    for (const n of plan.nodes) {
      this.#ops[n.id] = BUILDERS[n.kind](n, index, deps.evalContext, state);
      this.#inputs[n.id] = nodeInputs(n);
      this.metrics[n.id] = { rowsIn: 0, rowsOut: 0 };
      this.#out[n.id] = null;
      this.#writers[n.id] = null;
      if (n.kind === 'source') this.sources.push({ node: n, reader: deps.createSource(n) });
      if (n.kind === 'sink') {
        const writer = deps.createSink(n);
        this.#writers[n.id] = writer;
        this.sinks.push({ node: n, writer });
      }
    }
    // Downstream closure of each source, in plan (topological) order.
    const consumers = new Map<number, number[]>();
    for (const n of plan.nodes) for (const i of nodeInputs(n)) consumers.set(i, [...(consumers.get(i) ?? []), n.id]);
    for (const s of this.sources) {
      const reach = new Set<number>();
      const stack = [s.node.id];
      while (stack.length > 0) {
        const id = stack.pop()!;
        for (const c of consumers.get(id) ?? []) {
          if (!reach.has(c)) {
            reach.add(c);
            stack.push(c);
          }
        }
      }
      this.#downstream.set(
        s.node.id,
        plan.nodes.filter((n) => reach.has(n.id)).map((n) => n.id),
      );
    }
  }

  /** Runs one step: `batch` enters at source node `sourceId` and flows to the sinks. */
  push(sourceId: number, batch: ChangeBatch): void {
    const order = this.#downstream.get(sourceId);
    if (order === undefined) throw new StrataError('INTERNAL', `node ${sourceId} is not a source of this job`);
    const out = this.#out;
    out[sourceId] = batch;
    this.metrics[sourceId]!.rowsOut += batch.length;
    for (let oi = 0; oi < order.length; oi++) {
      const id = order[oi]!;
      const inputs = this.#inputs[id]!;
      const writer = this.#writers[id];
      if (writer !== null && writer !== undefined) {
        const b = out[inputs[0]!];
        if (b !== null && b !== undefined && b.length > 0) {
          writer.write(b);
          this.metrics[id]!.rowsIn += b.length;
        }
        continue;
      }
      const op = this.#ops[id]!;
      let result: ChangeBatch | null = null;
      let touched = false;
      for (let port = 0; port < inputs.length; port++) {
        const b = out[inputs[port]!];
        if (b === null || b === undefined || b.length === 0) continue;
        if (result === null) result = new ChangeBatch();
        op.process(port, b, result);
        this.metrics[id]!.rowsIn += b.length;
        touched = true;
      }
      if (touched) {
        op.finishBatch(result!);
        this.metrics[id]!.rowsOut += result!.length;
      }
      out[id] = result;
    }
    // Release this step's batches.
    out[sourceId] = null;
    for (let oi = 0; oi < order.length; oi++) out[order[oi]!] = null;
  }

  /** State of every operator, by node id (sources' offsets are taken by the job). */
  snapshot(): StateValue {
    const ops: { [id: string]: StateValue } = {};
    for (const n of this.plan.nodes) {
      const op = this.#ops[n.id];
      if (op !== null && op !== undefined) ops[String(n.id)] = op.snapshotState();
    }
    return ops;
  }

  /** Writes `snapshot()` into `w` (same bytes as encoding it), each operator streaming its own state when it can. */
  writeSnapshot(w: StateWriter): void {
    let n = 0;
    for (const node of this.plan.nodes) if (this.#ops[node.id] != null) n++;
    w.record(n);
    for (const node of this.plan.nodes) {
      const op = this.#ops[node.id];
      if (op === null || op === undefined) continue;
      w.field(String(node.id));
      if (op.writeState !== undefined) op.writeState(w);
      else w.value(op.snapshotState());
    }
  }

  /**
   * True when an incremental snapshot now is worth it: some operator can snapshot
   * incrementally, and the entries changed since the last snapshot are less than half
   * of the state (a delta of most keys costs more than a full snapshot, which streams).
   */
  deltaWorthIt(): boolean {
    let incremental = false;
    let changed = 0;
    let size = 0;
    for (const op of this.#ops) {
      if (op === null || op === undefined) continue;
      if (op.snapshotDelta === undefined) continue;
      incremental = true;
      // Each operator's share of changed keys, weighted by its state's size.
      const n = op.stateSize();
      changed += Math.min(1, op.deltaShare?.() ?? 1) * n;
      size += n;
    }
    return incremental && changed * 2 < size;
  }

  /**
   * What changed since the last `snapshot`, `writeSnapshot`, `snapshotDelta` or restore:
   * `{ full: {nodeId: state}, delta: {nodeId: delta} }`, operators without deltas (the
   * stateless ones, whose state is null) in `full`.
   */
  snapshotDelta(): StateValue {
    const full: { [id: string]: StateValue } = {};
    const delta: { [id: string]: StateValue } = {};
    for (const n of this.plan.nodes) {
      const op = this.#ops[n.id];
      if (op === null || op === undefined) continue;
      if (op.snapshotDelta !== undefined) delta[String(n.id)] = op.snapshotDelta();
      else full[String(n.id)] = op.snapshotState();
    }
    return { full, delta };
  }

  /** Applies a `snapshotDelta()` of this plan on the state of the previous snapshot or delta. */
  restoreDelta(state: StateValue): void {
    const rec = record(state, 'an incremental checkpoint');
    const full = record(rec['full'] ?? null, "an incremental checkpoint's full states");
    const delta = record(rec['delta'] ?? null, "an incremental checkpoint's deltas");
    for (const n of this.plan.nodes) {
      const op = this.#ops[n.id];
      if (op === null || op === undefined) continue;
      const d = delta[String(n.id)];
      if (d !== undefined) {
        if (op.restoreDelta === undefined) {
          throw new StrataError('STATE', `cannot restore node ${n.id} (${n.kind}) from an incremental checkpoint: it has no incremental state`, {
            hint: 'The checkpoint does not belong to this job version; restart the job from scratch.',
          });
        }
        op.restoreDelta(d);
        continue;
      }
      const s = full[String(n.id)];
      if (s !== undefined) op.restoreState(s);
    }
  }

  restore(state: StateValue): void {
    const ops = state as { readonly [id: string]: StateValue };
    for (const n of this.plan.nodes) {
      const op = this.#ops[n.id];
      const s = ops[String(n.id)];
      if (op !== null && op !== undefined && s !== undefined) op.restoreState(s);
    }
  }

  /** Rows held in operator state, by node id. */
  stateSizes(): Map<number, number> {
    const m = new Map<number, number>();
    for (const n of this.plan.nodes) {
      const op = this.#ops[n.id];
      if (op !== null && op !== undefined) m.set(n.id, op.stateSize());
    }
    return m;
  }
}

function record(v: StateValue, what: string): { readonly [k: string]: StateValue } {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Map || v instanceof Uint8Array) {
    throw new StrataError('STATE', `${what} is not a record of operator states`, {
      hint: 'The checkpoint does not belong to this job version or is damaged; restart the job from scratch.',
    });
  }
  return v as { readonly [k: string]: StateValue };
}
