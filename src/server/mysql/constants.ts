/**
 * Numbers of the MySQL client/server protocol (capability flags, status flags, command
 * bytes, column types, column flags, character sets) that the server uses. Names follow
 * the protocol documentation so they can be looked up there.
 */

/** Capability flags (HandshakeV10 / HandshakeResponse41). */
export const Cap = {
  LONG_PASSWORD: 0x1, // also "CLIENT_MYSQL": set by MySQL servers, so MariaDB clients do not use the extended capabilities
  FOUND_ROWS: 0x2,
  LONG_FLAG: 0x4,
  CONNECT_WITH_DB: 0x8,
  NO_SCHEMA: 0x10,
  COMPRESS: 0x20,
  ODBC: 0x40,
  LOCAL_FILES: 0x80,
  IGNORE_SPACE: 0x100,
  PROTOCOL_41: 0x200,
  INTERACTIVE: 0x400,
  SSL: 0x800,
  IGNORE_SIGPIPE: 0x1000,
  TRANSACTIONS: 0x2000,
  RESERVED: 0x4000,
  SECURE_CONNECTION: 0x8000,
  MULTI_STATEMENTS: 0x10000,
  MULTI_RESULTS: 0x20000,
  PS_MULTI_RESULTS: 0x40000,
  PLUGIN_AUTH: 0x80000,
  CONNECT_ATTRS: 0x100000,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 0x200000,
  CAN_HANDLE_EXPIRED_PASSWORDS: 0x400000,
  SESSION_TRACK: 0x800000,
  DEPRECATE_EOF: 0x1000000,
  OPTIONAL_RESULTSET_METADATA: 0x2000000,
  ZSTD_COMPRESSION: 0x4000000,
  QUERY_ATTRIBUTES: 0x8000000,
  MULTI_FACTOR_AUTHENTICATION: 0x10000000,
} as const;

/**
 * What this server offers. Not offered: SSL, COMPRESS, LOCAL_FILES (LOAD DATA LOCAL),
 * SESSION_TRACK, OPTIONAL_RESULTSET_METADATA, QUERY_ATTRIBUTES, ZSTD, multi-factor auth.
 */
export const SERVER_CAPABILITIES =
  Cap.LONG_PASSWORD |
  Cap.FOUND_ROWS |
  Cap.LONG_FLAG |
  Cap.CONNECT_WITH_DB |
  Cap.NO_SCHEMA |
  Cap.ODBC |
  Cap.IGNORE_SPACE |
  Cap.PROTOCOL_41 |
  Cap.INTERACTIVE |
  Cap.IGNORE_SIGPIPE |
  Cap.TRANSACTIONS |
  Cap.RESERVED |
  Cap.SECURE_CONNECTION |
  Cap.MULTI_STATEMENTS |
  Cap.MULTI_RESULTS |
  Cap.PS_MULTI_RESULTS |
  Cap.PLUGIN_AUTH |
  Cap.CONNECT_ATTRS |
  Cap.PLUGIN_AUTH_LENENC_CLIENT_DATA |
  Cap.CAN_HANDLE_EXPIRED_PASSWORDS |
  Cap.DEPRECATE_EOF;

/** Server status flags (OK and EOF packets). */
export const Status = {
  IN_TRANS: 0x1,
  AUTOCOMMIT: 0x2,
  MORE_RESULTS_EXISTS: 0x8,
  NO_GOOD_INDEX_USED: 0x10,
  NO_INDEX_USED: 0x20,
  CURSOR_EXISTS: 0x40,
  LAST_ROW_SENT: 0x80,
  DB_DROPPED: 0x100,
  NO_BACKSLASH_ESCAPES: 0x200,
  METADATA_CHANGED: 0x400,
  QUERY_WAS_SLOW: 0x800,
  PS_OUT_PARAMS: 0x1000,
  IN_TRANS_READONLY: 0x2000,
  SESSION_STATE_CHANGED: 0x4000,
} as const;

/** Command bytes (first byte of a command packet). */
export const Com = {
  SLEEP: 0x00,
  QUIT: 0x01,
  INIT_DB: 0x02,
  QUERY: 0x03,
  FIELD_LIST: 0x04,
  CREATE_DB: 0x05,
  DROP_DB: 0x06,
  REFRESH: 0x07,
  SHUTDOWN: 0x08,
  STATISTICS: 0x09,
  PROCESS_INFO: 0x0a,
  CONNECT: 0x0b,
  PROCESS_KILL: 0x0c,
  DEBUG: 0x0d,
  PING: 0x0e,
  TIME: 0x0f,
  DELAYED_INSERT: 0x10,
  CHANGE_USER: 0x11,
  BINLOG_DUMP: 0x12,
  TABLE_DUMP: 0x13,
  CONNECT_OUT: 0x14,
  REGISTER_SLAVE: 0x15,
  STMT_PREPARE: 0x16,
  STMT_EXECUTE: 0x17,
  STMT_SEND_LONG_DATA: 0x18,
  STMT_CLOSE: 0x19,
  STMT_RESET: 0x1a,
  SET_OPTION: 0x1b,
  STMT_FETCH: 0x1c,
  DAEMON: 0x1d,
  BINLOG_DUMP_GTID: 0x1e,
  RESET_CONNECTION: 0x1f,
} as const;

/** Column types (ColumnDefinition41.type, binary parameter types). */
export const ColumnType = {
  DECIMAL: 0x00,
  TINY: 0x01,
  SHORT: 0x02,
  LONG: 0x03,
  FLOAT: 0x04,
  DOUBLE: 0x05,
  NULL: 0x06,
  TIMESTAMP: 0x07,
  LONGLONG: 0x08,
  INT24: 0x09,
  DATE: 0x0a,
  TIME: 0x0b,
  DATETIME: 0x0c,
  YEAR: 0x0d,
  NEWDATE: 0x0e,
  VARCHAR: 0x0f,
  BIT: 0x10,
  TIMESTAMP2: 0x11,
  DATETIME2: 0x12,
  TIME2: 0x13,
  JSON: 0xf5,
  NEWDECIMAL: 0xf6,
  ENUM: 0xf7,
  SET: 0xf8,
  TINY_BLOB: 0xf9,
  MEDIUM_BLOB: 0xfa,
  LONG_BLOB: 0xfb,
  BLOB: 0xfc,
  VAR_STRING: 0xfd,
  STRING: 0xfe,
  GEOMETRY: 0xff,
} as const;

/** Column definition flags. */
export const ColumnFlag = {
  NOT_NULL: 0x1,
  PRI_KEY: 0x2,
  UNIQUE_KEY: 0x4,
  MULTIPLE_KEY: 0x8,
  BLOB: 0x10,
  UNSIGNED: 0x20,
  ZEROFILL: 0x40,
  BINARY: 0x80,
  ENUM: 0x100,
  AUTO_INCREMENT: 0x200,
  TIMESTAMP: 0x400,
  SET: 0x800,
  NO_DEFAULT_VALUE: 0x1000,
  ON_UPDATE_NOW: 0x2000,
  NUM: 0x8000,
} as const;

/** Character set / collation ids. */
export const Charset = {
  /** utf8mb4_general_ci: known to every MySQL (5.5+) and MariaDB client. */
  UTF8MB4_GENERAL_CI: 45,
  /** The `binary` pseudo character set: numbers, temporals, BLOB/VARBINARY. */
  BINARY: 63,
} as const;

/** Protocol limits. */
export const MAX_PACKET_PAYLOAD = 0xffffff;
/** NULL in a text result row. */
export const NULL_MARKER = 0xfb;

/** COM_SET_OPTION values. */
export const SetOption = {
  MULTI_STATEMENTS_ON: 0,
  MULTI_STATEMENTS_OFF: 1,
} as const;

/** MySQL error numbers used by the server. */
export const ErrNo = {
  ER_CON_COUNT_ERROR: 1040,
  ER_HANDSHAKE_ERROR: 1043,
  ER_ACCESS_DENIED: 1045,
  ER_UNKNOWN_COM: 1047,
  ER_BAD_DB: 1049,
  ER_DB_CREATE_EXISTS: 1007,
  ER_TABLE_EXISTS: 1050,
  ER_BAD_FIELD: 1054,
  ER_PARSE_ERROR: 1064,
  ER_NO_SUCH_TABLE: 1146,
  ER_NET_PACKET_TOO_LARGE: 1153,
  ER_NET_PACKETS_OUT_OF_ORDER: 1156,
  ER_UNKNOWN_ERROR: 1105,
  ER_NOT_SUPPORTED_YET: 1235,
  ER_UNKNOWN_STMT_HANDLER: 1243,
  ER_WRONG_ARGUMENTS: 1210,
  ER_SP_DOES_NOT_EXIST: 1305,
  ER_NO_DB: 1046,
} as const;
