import { inflateSync } from 'node:zlib';
import { StrataError } from '../../../core/errors.js';
import type { Row } from '../../../core/values.js';
import { mergeColumn, strataTypeOf, type MysqlColumn } from './column-types.js';
import { EVENT_HEADER_LENGTH, EventType, LOG_EVENT_ARTIFICIAL_F, ROWS_STMT_END_F, eventTypeName } from './constants.js';
import { crc32 } from './crc32.js';
import { Cursor } from './cursor.js';
import { malformed, unsupported, type ErrorPlace } from './errors.js';
import type { BinlogEvent, BinlogPosition, QueryEvent, RowOp, RowsEvent, TableMapEvent } from './events.js';
import { MariaDbGtidState, MysqlGtidSet, formatMariaDbGtid, looksLikeMariaDbGtid, uuidText, type MariaDbGtid } from './gtid.js';
import { TableDecoder, decodeRows, presentColumns } from './row-decoder.js';
import { columnFacts, parseTableMapBody } from './table-map.js';

/**
 * Turns binlog event bytes into typed events (events.ts), keeping the state a reader needs
 * between events: the format description (post-header lengths, checksum algorithm), the
 * table maps by table id, the current file and position, and the executed GTIDs.
 *
 * Used by the replication client (binlog-client.ts) and the file reader (binlog-file.ts)
 * alike, so a binlog file and a replication stream decode the same way.
 */

/** The schema of a table, when the binlog's own metadata is not enough (MySQL 5.7, MariaDB without binlog_row_metadata=FULL). */
export interface TableSchema {
  readonly columns: readonly MysqlColumn[];
  readonly primaryKey?: readonly number[];
}

export type SchemaLookup = (database: string, table: string) => TableSchema | undefined;

export interface EventParserOptions {
  /** Verify CRC32 checksums (default true). */
  readonly verifyChecksum?: boolean;
  /** Checksum algorithm of events before the first FORMAT_DESCRIPTION (default: NONE). */
  readonly checksum?: 'CRC32' | 'NONE';
  readonly schema?: SchemaLookup | undefined;
  /** Decode rows only of tables this accepts; TABLE_MAP and rows events of others yield no event. */
  readonly includeTable?: ((database: string, table: string) => boolean) | undefined;
  /** The file the events come from (a ROTATE changes it). */
  readonly file?: string;
  /** Position of the first event (default 4). */
  readonly pos?: number;
  /** Executed GTIDs at the start (MySQL GTID set or MariaDB state text); null when unknown. */
  readonly gtid?: string | null;
  /** `host:port` for error messages. */
  readonly server?: string;
  /**
   * Called synchronously for each statement QUERY event (DDL and the like), before any later
   * event is decoded, so that a schema tracker behind `schema` stays in step with the stream
   * (events are decoded as they arrive, ahead of their consumer). Table maps are looked up
   * again after such a statement.
   */
  readonly onQuery?: ((event: QueryEvent) => void) | undefined;
}

/** Server version ≥ 5.6.1 (MySQL) or any MariaDB: FORMAT_DESCRIPTION carries a checksum algorithm byte. */
function versionHasChecksum(version: string): boolean {
  if (/mariadb/i.test(version)) return true;
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (m === null) return false;
  const v = (Number(m[1]) * 256 + Number(m[2])) * 256 + Number(m[3]);
  return v >= (5 * 256 + 6) * 256 + 1;
}

export class BinlogEventParser {
  file: string;
  pos: number;
  verifyChecksum: boolean;
  checksum: boolean;
  readonly server: string;
  /** Post-header length per event type (index = type code); from FORMAT_DESCRIPTION. */
  postHeaderLengths: Uint8Array = new Uint8Array(0);
  serverVersion = '';
  readonly tables = new Map<number, TableMapEvent>();
  readonly #excluded = new Set<number>();
  readonly #rawMaps = new Map<number, Buffer>();
  readonly #schema: SchemaLookup | undefined;
  readonly #include: ((database: string, table: string) => boolean) | undefined;
  readonly #onQuery: ((event: QueryEvent) => void) | undefined;
  #mysqlGtids: MysqlGtidSet | null = null;
  #mariaGtids: MariaDbGtidState | null = null;
  #pendingMysql: { uuid: string; gno: number } | null = null;
  #pendingMaria: MariaDbGtid | null = null;
  #gtidText: string | null = null;
  #inTransaction = false;

  constructor(options: EventParserOptions = {}) {
    this.file = options.file ?? '';
    this.pos = options.pos ?? 4;
    this.verifyChecksum = options.verifyChecksum ?? true;
    this.checksum = options.checksum === 'CRC32';
    this.server = options.server ?? 'binlog';
    this.#schema = options.schema;
    this.#include = options.includeTable;
    this.#onQuery = options.onQuery;
    const g = options.gtid ?? null;
    if (g !== null && g.trim() !== '') {
      if (looksLikeMariaDbGtid(g)) this.#mariaGtids = MariaDbGtidState.parse(g);
      else this.#mysqlGtids = MysqlGtidSet.parse(g);
      this.#gtidText = g.trim();
    }
  }

  /** The position after the last event parsed (a safe resume point only after a commit point). */
  get position(): BinlogPosition {
    return { file: this.file, pos: this.pos, gtid: this.#gtidText };
  }

  get inTransaction(): boolean {
    return this.#inTransaction;
  }

  /** Forgets table maps (a new dump connection re-sends them). */
  resetTables(): void {
    this.tables.clear();
    this.#excluded.clear();
    this.#rawMaps.clear();
  }

  #place(): ErrorPlace {
    return { server: this.server, position: `${this.file}:${this.pos}` };
  }

  /**
   * Parses the event at `buf[start, start + length)` (header included, checksum included
   * when the algorithm is CRC32). Returns null for events of excluded tables.
   */
  parse(buf: Buffer, start: number, length: number): BinlogEvent | null {
    if (length < EVENT_HEADER_LENGTH) throw malformed(this.#place(), `event of ${length} bytes is shorter than its header`);
    const type = buf[start + 4]!;
    try {
      return this.#parse(buf, start, length, type);
    } catch (e) {
      if (e instanceof StrataError && e.code === 'CONNECTOR_DATA' && e.details === undefined && e.hint === undefined) {
        throw malformed(this.#place(), `${eventTypeName(type)} event: ${e.bare}`);
      }
      throw e;
    }
  }

  #parse(buf: Buffer, start: number, length: number, type: number): BinlogEvent | null {
    const timestamp = buf.readUInt32LE(start);
    const serverId = buf.readUInt32LE(start + 5);
    const eventSize = buf.readUInt32LE(start + 9);
    const logPos = buf.readUInt32LE(start + 13);
    const flags = buf.readUInt16LE(start + 17);
    if (eventSize !== length) throw malformed(this.#place(), `${eventTypeName(type)} event says ${eventSize} bytes, got ${length}`);
    let bodyEnd = start + length;
    const body = start + EVENT_HEADER_LENGTH;

    if (type === EventType.FORMAT_DESCRIPTION) return this.#formatDescription(buf, start, length, timestamp, serverId, logPos);

    if (this.checksum) {
      bodyEnd -= 4;
      if (this.verifyChecksum) {
        const expected = buf.readUInt32LE(bodyEnd);
        const actual = crc32(buf, start, bodyEnd);
        if (expected !== actual) {
          // The server's fake ROTATE at the start of a dump may be sent without a checksum.
          if (type === EventType.ROTATE && (flags & LOG_EVENT_ARTIFICIAL_F) !== 0) bodyEnd += 4;
          else {
            throw new StrataError(
              'CONNECTOR_DATA',
              `binlog checksum mismatch in a ${eventTypeName(type)} event from ${this.server} ending at ${this.file}:${logPos}: expected 0x${expected.toString(16)}, computed 0x${actual.toString(16)}.`,
              { retryable: false, hint: 'The binlog is damaged (or was changed in transit): restart the source from a new snapshot.' },
            );
          }
        }
      }
    }
    if (logPos !== 0) this.pos = logPos;

    switch (type) {
      case EventType.WRITE_ROWS_V1:
      case EventType.WRITE_ROWS_V2:
      case EventType.WRITE_ROWS_COMPRESSED_V1:
      case EventType.WRITE_ROWS_COMPRESSED:
        return this.#rows(buf, body, bodyEnd, type, 'insert', timestamp, serverId);
      case EventType.UPDATE_ROWS_V1:
      case EventType.UPDATE_ROWS_V2:
      case EventType.UPDATE_ROWS_COMPRESSED_V1:
      case EventType.UPDATE_ROWS_COMPRESSED:
        return this.#rows(buf, body, bodyEnd, type, 'update', timestamp, serverId);
      case EventType.DELETE_ROWS_V1:
      case EventType.DELETE_ROWS_V2:
      case EventType.DELETE_ROWS_COMPRESSED_V1:
      case EventType.DELETE_ROWS_COMPRESSED:
        return this.#rows(buf, body, bodyEnd, type, 'delete', timestamp, serverId);
      case EventType.TABLE_MAP:
        return this.#tableMap(buf, body, bodyEnd, timestamp, serverId);
      case EventType.XID: {
        const xid = buf.readBigUInt64LE(body);
        this.#commit();
        return { kind: 'xid', xid, timestamp, serverId, position: this.position };
      }
      case EventType.QUERY:
      case EventType.QUERY_COMPRESSED:
        return this.#query(buf, body, bodyEnd, type, timestamp, serverId);
      case EventType.ROTATE: {
        const c = new Cursor(buf, body, bodyEnd);
        const nextPos = c.u64n();
        const nextFile = c.rest().toString('utf8');
        const artificial = (flags & LOG_EVENT_ARTIFICIAL_F) !== 0 || logPos === 0;
        this.file = nextFile;
        this.pos = nextPos;
        return { kind: 'rotate', nextFile, nextPos, artificial, timestamp, serverId, position: this.position };
      }
      case EventType.GTID:
      case EventType.ANONYMOUS_GTID: {
        // flags(1) sid(16) gno(8) …
        if (type === EventType.GTID) {
          const uuid = uuidText(buf, body + 1);
          const gno = Number(buf.readBigInt64LE(body + 17));
          this.#pendingMysql = { uuid, gno };
          return { kind: 'gtid', gtid: `${uuid}:${gno}`, flavor: 'mysql', standalone: false, timestamp, serverId, position: this.position };
        }
        this.#pendingMysql = null;
        return { kind: 'gtid', gtid: null, flavor: 'mysql', standalone: false, timestamp, serverId, position: this.position };
      }
      case EventType.PREVIOUS_GTIDS: {
        const set = MysqlGtidSet.decode(buf, body, bodyEnd);
        if (this.#mysqlGtids === null) {
          this.#mysqlGtids = set.clone();
          this.#gtidText = set.toString();
        }
        return { kind: 'previous-gtids', gtidSet: set.toString(), timestamp, serverId, position: this.position };
      }
      case EventType.MARIADB_GTID: {
        const seq = Number(buf.readBigUInt64LE(body));
        const domain = buf.readUInt32LE(body + 8);
        const gflags = buf[body + 12]!;
        const standalone = (gflags & 1) !== 0;
        const g: MariaDbGtid = { domain, server: serverId, seq };
        this.#pendingMaria = g;
        // MariaDB's GTID event stands in for BEGIN unless the group is a lone statement.
        this.#inTransaction = !standalone;
        return { kind: 'gtid', gtid: formatMariaDbGtid(g), flavor: 'mariadb', standalone, timestamp, serverId, position: this.position };
      }
      case EventType.MARIADB_GTID_LIST: {
        const c = new Cursor(buf, body, bodyEnd);
        const count = c.u32() & 0x0fffffff;
        const st = new MariaDbGtidState();
        for (let i = 0; i < count; i++) {
          const domain = c.u32();
          const server = c.u32();
          const seq = c.u64n();
          st.set({ domain, server, seq });
        }
        // The state before this file: complete the reader's state with domains it has not seen.
        if (this.#mariaGtids === null) this.#mariaGtids = new MariaDbGtidState();
        let added = false;
        for (const g of st.all()) {
          if (this.#mariaGtids.get(g.domain) === undefined) {
            this.#mariaGtids.set(g);
            added = true;
          }
        }
        if (added || this.#gtidText === null) this.#gtidText = this.#mariaGtids.toString();
        return { kind: 'gtid-list', gtidSet: st.toString(), timestamp, serverId, position: this.position };
      }
      case EventType.ANNOTATE_ROWS:
        return { kind: 'annotate', sql: buf.toString('utf8', body, bodyEnd), timestamp, serverId, position: this.position };
      case EventType.ROWS_QUERY:
        // 1 length byte (ignored: the text runs to the end), then the statement.
        return { kind: 'annotate', sql: buf.toString('utf8', body + 1, bodyEnd), timestamp, serverId, position: this.position };
      case EventType.HEARTBEAT: {
        const file = buf.toString('utf8', body, bodyEnd);
        if (file !== '') this.file = file;
        return { kind: 'heartbeat', timestamp, serverId, position: this.position };
      }
      case EventType.HEARTBEAT_V2: {
        const c = new Cursor(buf, body, bodyEnd);
        while (c.remaining > 0) {
          const t = c.u8();
          const len = c.lenenc();
          const end = c.pos + len;
          if (t === 1) this.file = c.str(len);
          else if (t === 2) {
            const v = new Cursor(buf, c.pos, end).lenenc();
            this.pos = v;
          }
          c.pos = end;
        }
        return { kind: 'heartbeat', timestamp, serverId, position: this.position };
      }
      case EventType.STOP:
        return { kind: 'stop', timestamp, serverId, position: this.position };
      case EventType.TRANSACTION_PAYLOAD:
        throw unsupported(this.#place(), 'a compressed transaction (TRANSACTION_PAYLOAD_EVENT, binlog_transaction_compression=ON)', 'Turn it off on the server: SET GLOBAL binlog_transaction_compression = OFF.');
      case EventType.PARTIAL_UPDATE_ROWS:
        throw unsupported(this.#place(), 'a partial JSON update (PARTIAL_UPDATE_ROWS_EVENT)', "Set binlog_row_value_options = '' on the server so updates log full JSON values.");
      case EventType.PRE_GA_WRITE_ROWS:
      case EventType.PRE_GA_UPDATE_ROWS:
      case EventType.PRE_GA_DELETE_ROWS:
        throw unsupported(this.#place(), 'pre-GA rows events of MySQL 5.1.0–5.1.15', 'Upgrade the server.');
      default:
        return { kind: 'other', type, typeName: eventTypeName(type), timestamp, serverId, position: this.position };
    }
  }

  #formatDescription(buf: Buffer, start: number, length: number, timestamp: number, serverId: number, logPos: number): BinlogEvent {
    const c = new Cursor(buf, start + EVENT_HEADER_LENGTH, start + length);
    const binlogVersion = c.u16();
    const serverVersion = c.str(50).replace(/\0.*$/s, '');
    c.skip(4);
    const headerLength = c.u8();
    if (headerLength !== EVENT_HEADER_LENGTH) throw malformed(this.#place(), `event header length ${headerLength} (only binlog format v4's 19 is read)`);
    const hasAlg = versionHasChecksum(serverVersion);
    const end = hasAlg ? start + length - 5 : start + length;
    const alg = hasAlg ? buf[start + length - 5]! : 0;
    this.postHeaderLengths = Uint8Array.from(buf.subarray(c.pos, end));
    // Index by type code: the array starts at type 1.
    const byType = new Uint8Array(256);
    for (let i = 0; i < this.postHeaderLengths.length; i++) byType[i + 1] = this.postHeaderLengths[i]!;
    this.postHeaderLengths = byType;
    this.serverVersion = serverVersion;
    if (alg === 1 && this.verifyChecksum) {
      const expected = buf.readUInt32LE(start + length - 4);
      // The server clears LOG_EVENT_BINLOG_IN_USE_F (0x1) when it closes the file; the checksum is of the cleared form.
      let actual: number;
      if ((buf[start + 17]! & 1) !== 0) {
        const copy = Buffer.from(buf.subarray(start, start + length - 4));
        copy[17] = copy[17]! & ~1;
        actual = crc32(copy, 0, copy.length);
      } else actual = crc32(buf, start, start + length - 4);
      if (expected !== actual) {
        throw new StrataError('CONNECTOR_DATA', `binlog checksum mismatch in the FORMAT_DESCRIPTION event of ${this.file} from ${this.server}.`, {
          retryable: false,
          hint: 'The binlog is damaged: restart the source from a new snapshot.',
        });
      }
    }
    this.checksum = alg === 1;
    if (logPos !== 0) this.pos = logPos;
    return {
      kind: 'format-description',
      binlogVersion,
      serverVersion,
      checksum: alg === 1 ? 'CRC32' : 'NONE',
      timestamp,
      serverId,
      position: this.position,
    };
  }

  #commit(): void {
    this.#inTransaction = false;
    if (this.#pendingMysql !== null) {
      if (this.#mysqlGtids !== null) {
        this.#mysqlGtids.add(this.#pendingMysql.uuid, this.#pendingMysql.gno);
        this.#gtidText = this.#mysqlGtids.toString();
      }
      this.#pendingMysql = null;
    }
    if (this.#pendingMaria !== null) {
      if (this.#mariaGtids === null) this.#mariaGtids = new MariaDbGtidState();
      this.#mariaGtids.set(this.#pendingMaria);
      this.#gtidText = this.#mariaGtids.toString();
      this.#pendingMaria = null;
    }
  }

  #query(buf: Buffer, body: number, bodyEnd: number, type: number, timestamp: number, serverId: number): BinlogEvent {
    const c = new Cursor(buf, body, bodyEnd);
    const threadId = c.u32();
    c.skip(4); // exec time
    const dbLen = c.u8();
    const errorCode = c.u16();
    const postLen = this.postHeaderLengths[type] || 13;
    const statusLen = postLen >= 13 ? c.u16() : 0;
    c.pos = body + postLen;
    c.skip(statusLen);
    const database = c.str(dbLen);
    c.skip(1);
    let sql: string;
    if (type === EventType.QUERY_COMPRESSED) sql = inflateMariaDb(buf, c.pos, bodyEnd).toString('utf8');
    else sql = buf.toString('utf8', c.pos, bodyEnd);
    const upper = sql.length <= 16 ? sql.trim().toUpperCase() : '';
    if (upper === 'BEGIN' || upper === 'START TRANSACTION') {
      this.#inTransaction = true;
      return { kind: 'begin', timestamp, serverId, position: this.position };
    }
    if (upper === 'COMMIT' || upper === 'ROLLBACK') {
      this.#commit();
      return { kind: 'commit', sql: upper, timestamp, serverId, position: this.position };
    }
    const commitPoint = !this.#inTransaction;
    if (commitPoint) {
      this.#commit();
      // DDL may have changed any table: look table maps up again.
      this.#rawMaps.clear();
    }
    const ev: QueryEvent = { kind: 'query', sql, database, threadId, errorCode, commitPoint, timestamp, serverId, position: this.position };
    this.#onQuery?.(ev);
    return ev;
  }

  #tableMap(buf: Buffer, body: number, bodyEnd: number, timestamp: number, serverId: number): TableMapEvent | null {
    const idSize = this.postHeaderLengths[EventType.TABLE_MAP] === 6 ? 4 : 6;
    const tableId = idSize === 6 ? buf.readUIntLE(body, 6) : buf.readUInt32LE(body);
    // The same table map again (every transaction repeats it): reuse the compiled decoder.
    const raw = this.#rawMaps.get(tableId);
    if (raw !== undefined && raw.length === bodyEnd - body && buf.compare(raw, 0, raw.length, body, bodyEnd) === 0) {
      if (this.#excluded.has(tableId)) return null;
      const prev = this.tables.get(tableId);
      if (prev !== undefined) {
        const again: TableMapEvent = { ...prev, timestamp, serverId, position: this.position };
        this.tables.set(tableId, again);
        return again;
      }
    }
    const parsed = parseTableMapBody(new Cursor(buf, body, bodyEnd), idSize);
    this.#rawMaps.set(tableId, Buffer.from(buf.subarray(body, bodyEnd)));
    if (this.#include !== undefined && !this.#include(parsed.database, parsed.table)) {
      this.#excluded.add(tableId);
      this.tables.delete(tableId);
      return null;
    }
    this.#excluded.delete(tableId);
    const facts = columnFacts(parsed);
    const schema = this.#schema?.(parsed.database, parsed.table);
    const useSchema = schema !== undefined && schema.columns.length === facts.length ? schema : undefined;
    const columns: MysqlColumn[] = [];
    let matchedAll = useSchema !== undefined;
    for (let i = 0; i < facts.length; i++) {
      const { column, matched } = mergeColumn(i, facts[i]!, useSchema?.columns[i]);
      if (!matched) matchedAll = false;
      columns.push(column);
    }
    const types = columns.map(strataTypeOf);
    const where = `\`${parsed.database}\`.\`${parsed.table}\``;
    const decoder = new TableDecoder(parsed.columnTypes, parsed.columnMeta, columns, types, where);
    const metaPk = parsed.optional.primaryKey?.map((k) => k.column);
    const ev: TableMapEvent = {
      kind: 'table-map',
      tableId,
      database: parsed.database,
      table: parsed.table,
      columnTypes: parsed.columnTypes,
      columnMeta: parsed.columnMeta,
      nullable: parsed.nullable,
      metadata: parsed.optional,
      columns,
      types,
      source: matchedAll ? 'schema' : parsed.optional.present.length > 0 ? 'binlog-metadata' : 'binlog-types',
      primaryKey: metaPk ?? useSchema?.primaryKey ?? [],
      decoder,
      timestamp,
      serverId,
      position: this.position,
    };
    this.tables.set(tableId, ev);
    return ev;
  }

  #rows(buf: Buffer, body: number, bodyEnd: number, type: number, op: RowOp, timestamp: number, serverId: number): RowsEvent | null {
    const postLen = this.postHeaderLengths[type] ?? 0;
    const idSize = postLen === 6 ? 4 : 6;
    const tableId = idSize === 6 ? buf.readUIntLE(body, 6) : buf.readUInt32LE(body);
    const rflags = buf.readUInt16LE(body + idSize);
    let p = body + idSize + 2;
    const v2 = type === EventType.WRITE_ROWS_V2 || type === EventType.UPDATE_ROWS_V2 || type === EventType.DELETE_ROWS_V2 ||
      type === EventType.WRITE_ROWS_COMPRESSED || type === EventType.UPDATE_ROWS_COMPRESSED || type === EventType.DELETE_ROWS_COMPRESSED;
    if (v2) {
      const extra = buf.readUInt16LE(p);
      p += extra;
    }
    if (this.#excluded.has(tableId)) return null;
    const table = this.tables.get(tableId);
    if (table === undefined) {
      if (tableId === 0xffffff || tableId === 0xffffffffffff) return null; // dummy end-of-statement event
      throw malformed(this.#place(), `rows event for table id ${tableId} without its TABLE_MAP_EVENT`);
    }
    const c = new Cursor(buf, p, bodyEnd);
    const n = c.lenenc();
    if (n !== table.decoder.ncols) throw malformed(this.#place(), `rows event has ${n} columns, its TABLE_MAP ${table.decoder.ncols}`);
    const bitmapBytes = (n + 7) >> 3;
    c.need(bitmapBytes);
    const before = presentColumns(buf, c.pos, n);
    c.pos += bitmapBytes;
    const isUpdate = op === 'update';
    let after = before;
    if (isUpdate) {
      c.need(bitmapBytes);
      after = presentColumns(buf, c.pos, n);
      c.pos += bitmapBytes;
    }
    let data = buf;
    let start = c.pos;
    let end = bodyEnd;
    if (type >= EventType.WRITE_ROWS_COMPRESSED_V1 && type <= EventType.DELETE_ROWS_COMPRESSED) {
      data = inflateMariaDb(buf, c.pos, bodyEnd);
      start = 0;
      end = data.length;
    }
    const rows: Row[] = [];
    decodeRows(table.decoder, data, start, end, before.present, before.count, after.present, after.count, isUpdate, rows);
    return {
      kind: 'rows',
      op,
      tableId,
      table,
      rows,
      present: before.present === null ? null : Array.from(before.present, (b) => b === 1),
      presentAfter: !isUpdate || after.present === null ? null : Array.from(after.present, (b) => b === 1),
      statementEnd: (rflags & ROWS_STMT_END_F) !== 0,
      timestamp,
      serverId,
      position: this.position,
    };
  }
}

/** MariaDB's compressed event payload: a header byte (0x80 | bytes of length), the uncompressed length big-endian, zlib data. */
export function inflateMariaDb(buf: Buffer, start: number, end: number): Buffer {
  const h = buf[start]!;
  if ((h & 0x80) === 0) throw new StrataError('CONNECTOR_DATA', `compressed event header 0x${h.toString(16)} lacks the 0x80 flag`);
  const lenBytes = h & 0x07;
  let len = 0;
  for (let i = 0; i < lenBytes; i++) len = len * 256 + buf[start + 1 + i]!;
  const out = inflateSync(buf.subarray(start + 1 + lenBytes, end));
  if (out.length !== len) throw new StrataError('CONNECTOR_DATA', `compressed event inflates to ${out.length} bytes, its header says ${len}`);
  return out;
}
