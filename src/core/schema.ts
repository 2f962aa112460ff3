import { formatType, type SqlType } from './types.js';

export interface Field {
  readonly name: string;
  readonly type: SqlType;
}

/** The fields of a stream or table, in order. Field names are case-insensitive for lookup. */
export interface Schema {
  readonly fields: readonly Field[];
}

export function schemaOf(fields: readonly Field[]): Schema {
  return { fields };
}

export function fieldIndex(schema: Schema, name: string): number {
  const lower = name.toLowerCase();
  for (let i = 0; i < schema.fields.length; i++) if (schema.fields[i]!.name.toLowerCase() === lower) return i;
  return -1;
}

export function formatSchema(schema: Schema): string {
  return schema.fields.map((f) => `${f.name} ${formatType(f.type)}`).join(', ');
}
