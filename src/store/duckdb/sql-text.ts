/**
 * Building DuckDB SQL text: identifier quoting and the few fragments the warehouse
 * writes (qualified names, column lists, key-equality conditions). Values never go into
 * SQL text on the data path: they are staged through the appender or bound as parameters.
 */

/** `"name"` with embedded double quotes doubled. DuckDB resolves quoted names case-insensitively. */
export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/** `'text'` with embedded single quotes doubled (DDL only: defaults, metadata bootstrap). */
export function quoteString(text: string): string {
  return "'" + text.replace(/'/g, "''") + "'";
}

/** `"database"."table"`. */
export function qualifiedName(database: string, table: string): string {
  return quoteIdent(database) + '.' + quoteIdent(table);
}

/** `"a", "b", "c"`, optionally prefixed by `alias.`. */
export function columnList(names: readonly string[], alias?: string): string {
  const prefix = alias === undefined ? '' : alias + '.';
  return names.map((n) => prefix + quoteIdent(n)).join(', ');
}

/**
 * `l."k1" = r."k1" AND l."k2" = r."k2"`; with `nullSafe`, `IS NOT DISTINCT FROM` so
 * NULL matches NULL (DuckDB hash-joins on both forms).
 */
export function keyEquality(keys: readonly string[], left: string, right: string, nullSafe: boolean): string {
  const op = nullSafe ? ' IS NOT DISTINCT FROM ' : ' = ';
  return keys.map((k) => `${left}.${quoteIdent(k)}${op}${right}.${quoteIdent(k)}`).join(' AND ');
}
