import type { Expr } from '../core/expr.js';
import type { AggCall, JoinType, TableDescriptor } from '../core/plan.js';
import type { Field } from '../core/schema.js';

/**
 * The bound logical plan: what a query means, before any decision about how to maintain
 * it incrementally. Nodes are plain objects; a node referenced twice (a CTE or view used
 * twice) is the same object, and the planner turns it into one stream node.
 */
export type LogicalNode = LogicalScan | LogicalProject | LogicalFilter | LogicalJoin | LogicalAggregate | LogicalUnion;

export interface LogicalScan {
  readonly kind: 'scan';
  readonly fields: readonly Field[];
  readonly table: TableDescriptor;
}

export interface LogicalProject {
  readonly kind: 'project';
  readonly fields: readonly Field[];
  readonly input: LogicalNode;
  readonly exprs: readonly Expr[];
}

export interface LogicalFilter {
  readonly kind: 'filter';
  readonly fields: readonly Field[];
  readonly input: LogicalNode;
  readonly condition: Expr;
}

/** `condition` is over left ++ right fields; null for a cross join. */
export interface LogicalJoin {
  readonly kind: 'join';
  readonly fields: readonly Field[];
  readonly joinType: JoinType;
  readonly left: LogicalNode;
  readonly right: LogicalNode;
  readonly condition: Expr | null;
}

/** Output = groupKeys fields ++ one field per agg. */
export interface LogicalAggregate {
  readonly kind: 'aggregate';
  readonly fields: readonly Field[];
  readonly input: LogicalNode;
  readonly groupKeys: readonly number[];
  readonly aggs: readonly AggCall[];
}

/** UNION ALL; inputs already have identical field types. */
export interface LogicalUnion {
  readonly kind: 'union';
  readonly fields: readonly Field[];
  readonly inputs: readonly LogicalNode[];
}

/** A target of INSERT: the table and the query whose fields are in the table's column order and types. */
export interface LogicalSink {
  readonly table: TableDescriptor;
  readonly input: LogicalNode;
}
