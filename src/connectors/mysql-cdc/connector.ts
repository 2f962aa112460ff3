import type { TableDescriptor } from '../../core/plan.js';
import { ALL_CHANGES } from '../../core/row-kind.js';
import type { ConnectorContext, SourceReader } from '../../engine/connector.js';
import { MYSQL_CDC_SPEC, validateMysqlCdc, type ConnectorDefinition } from '../registry.js';
import { MysqlCdcSource } from './source.js';

/**
 * The `mysql-cdc` connector for the registry. A function rather than a constant because
 * registry.ts imports this module and this module reads MYSQL_CDC_SPEC from registry.ts (a
 * cycle): the definition is built when `defaultRegistry()` runs, after both have loaded.
 */
export function mysqlCdcConnector(): ConnectorDefinition {
  return {
    spec: MYSQL_CDC_SPEC,
    runtime: {
      createSource: (table: TableDescriptor, ctx: ConnectorContext): SourceReader => new MysqlCdcSource(table, ctx),
    },
    validate: (table, role, opts) => validateMysqlCdc(table, role, opts),
    sourceMode: () => ALL_CHANGES,
  };
}
