/**
 * Numbers of the MySQL / MariaDB client-server and replication protocols: event type codes,
 * column type codes, capability flags, commands. Names follow MySQL's `binlog_event.h`,
 * `field_types.h` and `mysql_com.h` (and MariaDB's `log_event.h` for its own events).
 */

/** Binlog event type codes. */
export const EventType = {
  UNKNOWN: 0,
  START_V3: 1,
  QUERY: 2,
  STOP: 3,
  ROTATE: 4,
  INTVAR: 5,
  LOAD: 6,
  SLAVE: 7,
  CREATE_FILE: 8,
  APPEND_BLOCK: 9,
  EXEC_LOAD: 10,
  DELETE_FILE: 11,
  NEW_LOAD: 12,
  RAND: 13,
  USER_VAR: 14,
  FORMAT_DESCRIPTION: 15,
  XID: 16,
  BEGIN_LOAD_QUERY: 17,
  EXECUTE_LOAD_QUERY: 18,
  TABLE_MAP: 19,
  PRE_GA_WRITE_ROWS: 20,
  PRE_GA_UPDATE_ROWS: 21,
  PRE_GA_DELETE_ROWS: 22,
  WRITE_ROWS_V1: 23,
  UPDATE_ROWS_V1: 24,
  DELETE_ROWS_V1: 25,
  INCIDENT: 26,
  HEARTBEAT: 27,
  IGNORABLE: 28,
  ROWS_QUERY: 29,
  WRITE_ROWS_V2: 30,
  UPDATE_ROWS_V2: 31,
  DELETE_ROWS_V2: 32,
  GTID: 33,
  ANONYMOUS_GTID: 34,
  PREVIOUS_GTIDS: 35,
  TRANSACTION_CONTEXT: 36,
  VIEW_CHANGE: 37,
  XA_PREPARE: 38,
  PARTIAL_UPDATE_ROWS: 39,
  TRANSACTION_PAYLOAD: 40,
  HEARTBEAT_V2: 41,
  GTID_TAGGED: 42,
  // MariaDB
  ANNOTATE_ROWS: 160,
  BINLOG_CHECKPOINT: 161,
  MARIADB_GTID: 162,
  MARIADB_GTID_LIST: 163,
  START_ENCRYPTION: 164,
  QUERY_COMPRESSED: 165,
  WRITE_ROWS_COMPRESSED_V1: 166,
  UPDATE_ROWS_COMPRESSED_V1: 167,
  DELETE_ROWS_COMPRESSED_V1: 168,
  WRITE_ROWS_COMPRESSED: 169,
  UPDATE_ROWS_COMPRESSED: 170,
  DELETE_ROWS_COMPRESSED: 171,
} as const;

const EVENT_NAMES: Record<number, string> = {};
for (const [name, code] of Object.entries(EventType)) EVENT_NAMES[code] = name;

/** `QUERY`, `TABLE_MAP`, … or `UNKNOWN_<code>`. */
export function eventTypeName(code: number): string {
  return EVENT_NAMES[code] ?? `UNKNOWN_${code}`;
}

/** Event header flags. */
export const LOG_EVENT_ARTIFICIAL_F = 0x20;

/** Rows event flags. */
export const ROWS_STMT_END_F = 0x0001;

/** Column type codes (enum_field_types). */
export const ColumnType = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  NEWDATE: 14,
  VARCHAR: 15,
  BIT: 16,
  TIMESTAMP2: 17,
  DATETIME2: 18,
  TIME2: 19,
  TYPED_ARRAY: 20,
  VECTOR: 242,
  INVALID: 243,
  BOOL: 244,
  JSON: 245,
  NEWDECIMAL: 246,
  ENUM: 247,
  SET: 248,
  TINY_BLOB: 249,
  MEDIUM_BLOB: 250,
  LONG_BLOB: 251,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
  GEOMETRY: 255,
} as const;

const COLUMN_TYPE_NAMES: Record<number, string> = {};
for (const [name, code] of Object.entries(ColumnType)) COLUMN_TYPE_NAMES[code] = name;

export function columnTypeName(code: number): string {
  return COLUMN_TYPE_NAMES[code] ?? `TYPE_${code}`;
}

/** Client capability flags. */
export const Capability = {
  LONG_PASSWORD: 0x1,
  FOUND_ROWS: 0x2,
  LONG_FLAG: 0x4,
  CONNECT_WITH_DB: 0x8,
  PROTOCOL_41: 0x200,
  SSL: 0x800,
  TRANSACTIONS: 0x2000,
  SECURE_CONNECTION: 0x8000,
  MULTI_RESULTS: 0x20000,
  PLUGIN_AUTH: 0x80000,
  CONNECT_ATTRS: 0x100000,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 0x200000,
  DEPRECATE_EOF: 0x1000000,
} as const;

/** Command bytes. */
export const Command = {
  QUIT: 0x01,
  QUERY: 0x03,
  PING: 0x0e,
  BINLOG_DUMP: 0x12,
  REGISTER_SLAVE: 0x15,
  BINLOG_DUMP_GTID: 0x1e,
} as const;

/** COM_BINLOG_DUMP flags. */
export const BINLOG_DUMP_NON_BLOCK = 0x01;
/** MariaDB: send ANNOTATE_ROWS events. */
export const BINLOG_SEND_ANNOTATE_ROWS_EVENT = 0x02;
/** COM_BINLOG_DUMP_GTID: the GTID set follows. */
export const BINLOG_THROUGH_GTID = 0x04;

/** TABLE_MAP optional metadata field types (MySQL 8.0.1+, MariaDB 10.5+). */
export const OptionalMetadata = {
  SIGNEDNESS: 1,
  DEFAULT_CHARSET: 2,
  COLUMN_CHARSET: 3,
  COLUMN_NAME: 4,
  SET_STR_VALUE: 5,
  ENUM_STR_VALUE: 6,
  GEOMETRY_TYPE: 7,
  SIMPLE_PRIMARY_KEY: 8,
  PRIMARY_KEY_WITH_PREFIX: 9,
  ENUM_AND_SET_DEFAULT_CHARSET: 10,
  ENUM_AND_SET_COLUMN_CHARSET: 11,
  COLUMN_VISIBILITY: 12,
} as const;

/** The 4-byte magic every binlog file starts with: 0xFE 'b' 'i' 'n'. */
export const BINLOG_MAGIC = Uint8Array.of(0xfe, 0x62, 0x69, 0x6e);

/** Size of the common event header (binlog format v4). */
export const EVENT_HEADER_LENGTH = 19;
