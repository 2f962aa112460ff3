import type { ChangelogMode } from './row-kind.js';
import type { TableDescriptor } from './plan.js';

/**
 * What the planner needs to know about a table's connector, without depending on the
 * connectors themselves (they live in a higher layer). The connector registry implements
 * this; the planner receives it as a parameter.
 */
export interface ConnectorTraits {
  /**
   * Checks the table's WITH options for use as a source or sink; throws a StrataError
   * (CONNECTOR_OPTION / CONNECTOR_NOT_FOUND) naming the option and the valid choices.
   */
  validate(table: TableDescriptor, role: 'source' | 'sink'): void;
  /** The changelog mode the table's source produces (insert-only, upsert by primary key, or all). */
  sourceMode(table: TableDescriptor): ChangelogMode;
  /**
   * What the table's sink accepts: `insert-only` (append), `upsert` (I, UA, D keyed by
   * the primary key; needs one), or `all` (any change, UB included).
   */
  sinkAccepts(table: TableDescriptor): 'insert-only' | 'upsert' | 'all';
}
