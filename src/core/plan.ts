import type { ChangelogMode } from './row-kind.js';
import type { Schema } from './schema.js';
import type { Expr } from './expr.js';
import type { SqlType } from './types.js';

/**
 * The stream plan: what the SQL planner hands the engine. Plain data (no functions, no
 * classes), so it can be printed by EXPLAIN, stored with a job, and rebuilt after a
 * restart. Nodes form a DAG; `inputs` refer to node ids; `nodes` is in topological order.
 *
 * Every node states the schema and the changelog mode of its output, and the unique key
 * of its output when one is known (`upsertKey`: the fields that identify a row, so an
 * update can be sent as an upsert without an UPDATE_BEFORE).
 */
export interface StreamPlan {
  readonly nodes: readonly StreamNode[];
}

export interface NodeBase {
  readonly id: number;
  readonly schema: Schema;
  readonly mode: ChangelogMode;
  readonly upsertKey: readonly number[] | null;
}

/** A table as the catalog knows it: enough for a connector to build a reader or writer. */
export interface TableDescriptor {
  /** catalog, database, table. */
  readonly path: readonly [string, string, string];
  readonly schema: Schema;
  readonly primaryKey: readonly number[] | null;
  /** WITH (...) options, keys as written (lower case by convention). */
  readonly options: Readonly<Record<string, string>>;
}

export interface StreamSource extends NodeBase {
  readonly kind: 'source';
  readonly table: TableDescriptor;
}

/** Projection and filter: `condition` (over the input) first, then `projections`. */
export interface StreamCalc extends NodeBase {
  readonly kind: 'calc';
  readonly input: number;
  readonly projections: readonly Expr[];
  readonly condition: Expr | null;
}

/**
 * Turns an upsert stream (I, UA, D by key) into a full changelog: keeps the last row per
 * key, emits UB/UA pairs for updates, drops deletes of unknown keys and no-op updates.
 */
export interface StreamChangelogNormalize extends NodeBase {
  readonly kind: 'changelog-normalize';
  readonly input: number;
  readonly key: readonly number[];
}

/** Drops UPDATE_BEFORE changes (before an upsert sink keyed like the stream). */
export interface StreamDropUpdateBefore extends NodeBase {
  readonly kind: 'drop-update-before';
  readonly input: number;
}

export type JoinType = 'inner' | 'left' | 'right' | 'full';

/**
 * A regular (unbounded) join with retraction. Output row = left fields ++ right fields,
 * NULL-padded on the outer side(s). `condition` is evaluated over that concatenated row
 * in addition to the equality of `leftKeys` and `rightKeys` (NULL keys never match).
 */
export interface StreamJoin extends NodeBase {
  readonly kind: 'join';
  readonly joinType: JoinType;
  readonly left: number;
  readonly right: number;
  readonly leftKeys: readonly number[];
  readonly rightKeys: readonly number[];
  readonly condition: Expr | null;
  /** A unique key of each input, when the planner knows one (lets state be a map, not a multiset). */
  readonly leftUniqueKey: readonly number[] | null;
  readonly rightUniqueKey: readonly number[] | null;
}

export type AggFunction = 'COUNT' | 'SUM' | 'SUM0' | 'AVG' | 'MIN' | 'MAX';

/**
 * One aggregate call. `args` are input field indices (empty for COUNT(*)). `filter` is
 * an input field index of a BOOLEAN column (FILTER (WHERE ...)); only TRUE rows count.
 */
export interface AggCall {
  readonly fn: AggFunction;
  readonly args: readonly number[];
  readonly distinct: boolean;
  readonly filter: number | null;
  /** Result type, decided by the binder (Flink's rules). */
  readonly type: SqlType;
  readonly name: string;
}

/**
 * Unbounded GROUP BY with retraction. Output row = group key fields ++ one field per
 * aggregate. A group whose row count drops to zero is deleted. With no group keys the
 * single global group emits a row once it has seen input (Flink's behaviour).
 */
export interface StreamGroupAggregate extends NodeBase {
  readonly kind: 'group-aggregate';
  readonly input: number;
  readonly groupKeys: readonly number[];
  readonly aggs: readonly AggCall[];
}

/**
 * Turns a changelog whose unique key differs from a sink's primary key into a correct
 * upsert stream keyed by `key` (Flink's SinkUpsertMaterializer): keeps, per key, the rows
 * currently present in arrival order and emits the latest one (+U) or a delete (-D) when
 * none is left. Needed when several input rows may map to one sink key.
 */
export interface StreamUpsertMaterialize extends NodeBase {
  readonly kind: 'upsert-materialize';
  readonly input: number;
  readonly key: readonly number[];
}

/** UNION ALL: changes of all inputs, unchanged. */
export interface StreamUnion extends NodeBase {
  readonly kind: 'union';
  readonly inputs: readonly number[];
}

/**
 * Writes into a table through its connector. `schema` is the table's; `upsertKey` is the
 * sink's primary key (when it has one). The input's changes arrive unchanged.
 */
export interface StreamSink extends NodeBase {
  readonly kind: 'sink';
  readonly input: number;
  readonly table: TableDescriptor;
}

export type StreamNode =
  | StreamSource
  | StreamCalc
  | StreamChangelogNormalize
  | StreamDropUpdateBefore
  | StreamJoin
  | StreamGroupAggregate
  | StreamUnion
  | StreamUpsertMaterialize
  | StreamSink;

export type StreamNodeKind = StreamNode['kind'];

/** The input node ids of a node, in port order. */
export function nodeInputs(n: StreamNode): readonly number[] {
  switch (n.kind) {
    case 'source':
      return [];
    case 'join':
      return [n.left, n.right];
    case 'union':
      return n.inputs;
    default:
      return [n.input];
  }
}
