/**
 * System variables of the warehouse's SQL front: the defaults (what the stock mysql
 * client, JDBC's Connector/J, SQLAlchemy and DBeaver ask for on connect), how SET
 * values are normalized, and the session time zone.
 */

import { hostname } from 'node:os';
import type { Value } from '../../core/values.js';

/** The process' IANA time zone (what DuckDB's ICU uses by default too). */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Variables whose values are 0/1 in MySQL (SET x = ON / TRUE / 1). */
export const BOOLEAN_VARIABLES: ReadonlySet<string> = new Set([
  'autocommit',
  'foreign_key_checks',
  'unique_checks',
  'sql_safe_updates',
  'sql_auto_is_null',
  'sql_notes',
  'sql_warnings',
  'sql_quote_show_create',
  'transaction_read_only',
  'tx_read_only',
  'performance_schema',
  'enable_profile',
  'big_tables',
]);

/** The default value of every known system variable (names lower-case). */
export function defaultVariables(version: string, versionComment: string): Map<string, Value> {
  const tz = systemTimeZone();
  const entries: [string, Value][] = [
    ['auto_increment_increment', 1],
    ['auto_increment_offset', 1],
    ['autocommit', 1],
    ['big_tables', 0],
    ['character_set_client', 'utf8mb4'],
    ['character_set_connection', 'utf8mb4'],
    ['character_set_database', 'utf8mb4'],
    ['character_set_filesystem', 'binary'],
    ['character_set_results', 'utf8mb4'],
    ['character_set_server', 'utf8mb4'],
    ['character_set_system', 'utf8'],
    ['collation_connection', 'utf8mb4_general_ci'],
    ['collation_database', 'utf8mb4_general_ci'],
    ['collation_server', 'utf8mb4_general_ci'],
    ['default_authentication_plugin', 'mysql_native_password'],
    ['default_storage_engine', 'OLAP'],
    ['default_week_format', 0],
    ['div_precision_increment', 4],
    ['enable_profile', 0],
    ['event_scheduler', 'OFF'],
    ['exec_mem_limit', 2147483648],
    ['explicit_defaults_for_timestamp', 1],
    ['foreign_key_checks', 1],
    ['group_concat_max_len', 1024],
    ['have_query_cache', 'NO'],
    ['hostname', hostname()],
    ['init_connect', ''],
    ['interactive_timeout', 3600],
    ['language', '/strata/share/english/'],
    ['license', 'Apache License 2.0'],
    ['lower_case_table_names', 2],
    ['max_allowed_packet', 67108864],
    ['max_connections', 1024],
    ['max_execution_time', 0],
    ['net_buffer_length', 16384],
    ['net_read_timeout', 60],
    ['net_write_timeout', 60],
    ['performance_schema', 0],
    ['pipeline_dop', 0],
    ['port', 9030],
    ['protocol_version', 10],
    ['query_cache_size', 0],
    ['query_cache_type', 'OFF'],
    ['query_mem_limit', 0],
    ['query_timeout', 300],
    ['sql_auto_is_null', 0],
    ['sql_mode', 'ONLY_FULL_GROUP_BY'],
    ['sql_notes', 1],
    ['sql_quote_show_create', 1],
    ['sql_safe_updates', 0],
    ['sql_select_limit', 18446744073709551615n],
    ['sql_warnings', 0],
    ['storage_engine', 'OLAP'],
    ['system_time_zone', tz],
    ['time_zone', tz],
    ['transaction_isolation', 'REPEATABLE-READ'],
    ['transaction_read_only', 0],
    ['tx_isolation', 'REPEATABLE-READ'],
    ['tx_read_only', 0],
    ['unique_checks', 1],
    ['version', version],
    ['version_comment', versionComment],
    ['version_compile_machine', process.arch === 'arm64' ? 'aarch64' : 'x86_64'],
    ['version_compile_os', process.platform === 'darwin' ? 'macos' : 'Linux'],
    ['wait_timeout', 28800],
  ];
  return new Map(entries);
}

/** Aliases: a SET of one also sets the other. */
export const VARIABLE_ALIASES: Readonly<Record<string, string>> = {
  transaction_isolation: 'tx_isolation',
  tx_isolation: 'transaction_isolation',
  transaction_read_only: 'tx_read_only',
  tx_read_only: 'transaction_read_only',
};

/**
 * A SET value as stored: booleans and ON/OFF/TRUE/FALSE become 1/0 for the boolean
 * variables; bigints that fit become numbers.
 */
export function normalizeVariableValue(name: string, v: Value): Value {
  if (BOOLEAN_VARIABLES.has(name)) {
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'string') {
      const u = v.toUpperCase();
      if (u === 'ON' || u === 'TRUE' || u === '1') return 1;
      if (u === 'OFF' || u === 'FALSE' || u === '0') return 0;
    }
    if (typeof v === 'bigint') return v === 0n ? 0 : 1;
  }
  if (typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  return v;
}

/**
 * The session's time zone for NOW(), CURDATE(), UNIX_TIMESTAMP and FROM_UNIXTIME:
 * an IANA name, or a fixed offset in minutes (`+08:00`).
 */
export type ZoneSpec = { readonly kind: 'name'; readonly name: string } | { readonly kind: 'offset'; readonly minutes: number };

export function zoneOf(timeZone: Value): ZoneSpec {
  const text = timeZone === null ? 'SYSTEM' : String(timeZone).trim();
  if (text.toUpperCase() === 'SYSTEM' || text === '') return { kind: 'name', name: systemTimeZone() };
  const m = /^([+-])(\d{1,2}):(\d{2})$/.exec(text);
  if (m !== null) {
    const minutes = (Number(m[2]) * 60 + Number(m[3])) * (m[1] === '-' ? -1 : 1);
    return minutes === 0 ? { kind: 'name', name: 'UTC' } : { kind: 'offset', minutes };
  }
  return { kind: 'name', name: text };
}
