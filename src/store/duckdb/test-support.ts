import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatType, type SqlType } from '../../core/types.js';
import type { KeyModel, WarehouseColumn, WarehouseTableDef } from '../api.js';

/** Helpers for the warehouse tests (not used by the warehouse itself). */

export function column(name: string, type: SqlType, extra: Partial<WarehouseColumn> = {}): WarehouseColumn {
  return { name, type, typeText: formatType(type), comment: '', defaultValue: null, aggregation: null, ...extra };
}

export function tableDef(
  database: string,
  name: string,
  columns: readonly WarehouseColumn[],
  keyModel: KeyModel,
  keyColumns: readonly string[],
  extra: Partial<WarehouseTableDef> = {},
): WarehouseTableDef {
  return {
    database,
    name,
    columns,
    keyModel,
    keyColumns,
    comment: '',
    engine: 'olap',
    distribution: null,
    partitionText: null,
    properties: {},
    ...extra,
  };
}

/** A fresh temp directory, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `strata-${prefix}-`));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
