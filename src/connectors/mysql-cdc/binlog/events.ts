import type { SqlType } from '../../../core/types.js';
import type { Row } from '../../../core/values.js';
import type { MysqlColumn } from './column-types.js';
import type { TableDecoder } from './row-decoder.js';
import type { OptionalTableMetadata } from './table-map.js';

/**
 * The typed events the parser produces. Every event carries its header facts and the
 * binlog position *after* it; the connector checkpoints only at commit points (`xid`,
 * `commit`, and `query` events with `commitPoint: true`), where the position is a safe place
 * to resume: everything before it is complete transactions.
 */

/**
 * A resumable place in the binlog: file + byte offset, and the executed GTIDs there (MySQL
 * GTID set text or MariaDB state `d-s-n[,d-s-n]`; null when unknown, e.g. GTIDs off, or a
 * start by file + position without a GTID).
 */
export interface BinlogPosition {
  readonly file: string;
  readonly pos: number;
  readonly gtid: string | null;
}

export function formatPosition(p: BinlogPosition): string {
  return `${p.file}:${p.pos}${p.gtid !== null && p.gtid !== '' ? ` (GTID ${p.gtid})` : ''}`;
}

/**
 * Orders positions of one server: files by their numbered suffix (`mysql-bin.000010` after
 * `mysql-bin.000009`), then by offset. Negative, zero or positive, like a comparator.
 */
export function compareBinlogPositions(aFile: string, aPos: number, bFile: string, bPos: number): number {
  if (aFile !== bFile) {
    const na = Number(/\.(\d+)$/.exec(aFile)?.[1] ?? NaN);
    const nb = Number(/\.(\d+)$/.exec(bFile)?.[1] ?? NaN);
    if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
    return aFile < bFile ? -1 : 1;
  }
  return aPos - bPos;
}

interface EventCommon {
  /** Seconds since the epoch when the event was written (the header's timestamp). */
  readonly timestamp: number;
  readonly serverId: number;
  /** Position after this event (the header's log_pos; for artificial events the current position). */
  readonly position: BinlogPosition;
}

export interface RotateEvent extends EventCommon {
  readonly kind: 'rotate';
  readonly nextFile: string;
  readonly nextPos: number;
  /** The server's fake rotate at the start of a dump (not written in the file). */
  readonly artificial: boolean;
}

export interface FormatDescriptionEvent extends EventCommon {
  readonly kind: 'format-description';
  readonly binlogVersion: number;
  readonly serverVersion: string;
  readonly checksum: 'CRC32' | 'NONE';
}

export interface TableMapEvent extends EventCommon {
  readonly kind: 'table-map';
  readonly tableId: number;
  readonly database: string;
  readonly table: string;
  /** Binlog column type codes (constants.ts ColumnType) and their metadata, per column. */
  readonly columnTypes: readonly number[];
  readonly columnMeta: readonly number[];
  readonly nullable: readonly boolean[];
  /** The optional metadata as sent. */
  readonly metadata: OptionalTableMetadata;
  /** The columns used to type and decode: binlog facts merged with the schema when one was given. */
  readonly columns: readonly MysqlColumn[];
  /** The Strata type of each column (column-types.ts strataTypeOf). */
  readonly types: readonly SqlType[];
  /** Where the column facts came from. */
  readonly source: 'schema' | 'binlog-metadata' | 'binlog-types';
  /** Primary key column indexes: from the optional metadata, else the schema lookup; [] when unknown. */
  readonly primaryKey: readonly number[];
  /** The compiled row decoder (internal). */
  readonly decoder: TableDecoder;
}

export type RowOp = 'insert' | 'update' | 'delete';

export interface RowsEvent extends EventCommon {
  readonly kind: 'rows';
  readonly op: RowOp;
  readonly tableId: number;
  readonly table: TableMapEvent;
  /**
   * One Strata row per changed row, values in column order (types in `table.types`).
   * For updates the array alternates before and after images: [before0, after0, before1, after1, …].
   */
  readonly rows: Row[];
  /** Columns present in the (before) image; null when all are (binlog_row_image=FULL). Absent columns read as null. */
  readonly present: readonly boolean[] | null;
  /** Columns present in the after image of an update; null when all are. */
  readonly presentAfter: readonly boolean[] | null;
  /** The last rows event of its statement (STMT_END_F). */
  readonly statementEnd: boolean;
}

export interface XidEvent extends EventCommon {
  readonly kind: 'xid';
  readonly xid: bigint;
}

/** QUERY 'BEGIN': a transaction starts (MySQL; MariaDB's GTID event plays this part). */
export interface BeginEvent extends EventCommon {
  readonly kind: 'begin';
}

/** QUERY 'COMMIT' (or 'ROLLBACK' of a transaction with non-transactional changes): a transaction ends. */
export interface CommitEvent extends EventCommon {
  readonly kind: 'commit';
  readonly sql: string;
}

/** Any other QUERY: DDL, statements on non-transactional tables in STATEMENT format, etc. */
export interface QueryEvent extends EventCommon {
  readonly kind: 'query';
  readonly sql: string;
  /** The default database of the statement ('' when none). */
  readonly database: string;
  readonly threadId: number;
  readonly errorCode: number;
  /** True when the statement is a transaction of its own (DDL): its position is a safe resume point. */
  readonly commitPoint: boolean;
}

/** MySQL GTID_LOG_EVENT / ANONYMOUS_GTID_LOG_EVENT, MariaDB GTID_EVENT: a transaction's GTID. */
export interface GtidEvent extends EventCommon {
  readonly kind: 'gtid';
  /** `uuid:n` (MySQL) or `d-s-n` (MariaDB); null for an anonymous GTID. */
  readonly gtid: string | null;
  readonly flavor: 'mysql' | 'mariadb';
  /** MariaDB: the group is one statement without BEGIN/COMMIT (FL_STANDALONE). */
  readonly standalone: boolean;
}

/** MySQL PREVIOUS_GTIDS (the executed set before this file) / MariaDB GTID_LIST (the state before this file). */
export interface GtidSetEvent extends EventCommon {
  readonly kind: 'previous-gtids' | 'gtid-list';
  readonly gtidSet: string;
}

/** MariaDB ANNOTATE_ROWS / MySQL ROWS_QUERY: the statement behind the next rows events. */
export interface AnnotateEvent extends EventCommon {
  readonly kind: 'annotate';
  readonly sql: string;
}

export interface HeartbeatEvent extends EventCommon {
  readonly kind: 'heartbeat';
}

export interface StopEvent extends EventCommon {
  readonly kind: 'stop';
}

/** Events Strata reads past (INTVAR, RAND, USER_VAR, BINLOG_CHECKPOINT, …). */
export interface OtherEvent extends EventCommon {
  readonly kind: 'other';
  readonly type: number;
  readonly typeName: string;
}

export type BinlogEvent =
  | RotateEvent
  | FormatDescriptionEvent
  | TableMapEvent
  | RowsEvent
  | XidEvent
  | BeginEvent
  | CommitEvent
  | QueryEvent
  | GtidEvent
  | GtidSetEvent
  | AnnotateEvent
  | HeartbeatEvent
  | StopEvent
  | OtherEvent;

export type BinlogEventKind = BinlogEvent['kind'];
