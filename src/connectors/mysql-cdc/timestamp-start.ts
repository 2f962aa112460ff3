import { BinlogClient } from './binlog/binlog-client.js';
import type { MysqlConnection } from './binlog/connection.js';
import type { BinlogEvent, BinlogPosition } from './binlog/events.js';
import { currentPosition, sqlString } from './snapshot.js';

/**
 * `scan.startup.mode` = 'timestamp': the binlog position where the first transaction whose
 * event timestamp is at or after `scan.startup.timestamp-millis` starts (Flink CDC's rule: the
 * header timestamp, in whole seconds, times 1000, compared with the millis).
 *
 * 1. `SHOW BINARY LOGS`; from the newest file back, the timestamp of each file's first real
 *    event (a short non-blocking dump of its head) until a file that starts strictly before the
 *    time (events of the same second may be in the file before): the transaction can only be
 *    in that file or a later one.
 * 2. A non-blocking dump from that file's start (rows not decoded), remembering the position
 *    after the last event outside a transaction; the first transaction start (GTID or BEGIN)
 *    at or after the time ends the search at that remembered position.
 * 3. None: the current end of the binlog (every later change is after the time).
 */

export interface ReplicaLogin {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly serverId: number;
  readonly connectTimeoutMs: number;
}

export async function findTimestampPosition(login: ReplicaLogin, conn: MysqlConnection, millis: number): Promise<BinlogPosition> {
  const logs = await conn.query('SHOW BINARY LOGS');
  const files = logs.rows.map((r) => r[0] ?? '').filter((f) => f !== '');
  if (files.length === 0) return currentPosition(conn);
  let from = 0;
  for (let i = files.length - 1; i >= 0; i--) {
    const ts = await firstEventSeconds(login, files[i]!);
    if (ts !== null && ts * 1000 < millis) {
      from = i;
      break;
    }
  }
  const found = await scanFrom(login, files[from]!, millis);
  if (found === null) return currentPosition(conn);
  if (!conn.isMariaDb) return found;
  const g = await conn.query(`SELECT BINLOG_GTID_POS(${sqlString(found.file)}, ${found.pos})`);
  return { file: found.file, pos: found.pos, gtid: g.rows[0]?.[0] ?? null };
}

function client(login: ReplicaLogin, file: string, includeNothing: boolean): BinlogClient {
  return new BinlogClient({
    host: login.host,
    port: login.port,
    user: login.user,
    password: login.password,
    serverId: login.serverId,
    start: { file, pos: 4 },
    heartbeatMs: 0,
    connectTimeoutMs: login.connectTimeoutMs,
    nonBlocking: true,
    ...(includeNothing ? { includeTable: () => false } : {}),
  });
}

function isReal(e: BinlogEvent): boolean {
  return e.timestamp > 0 && !(e.kind === 'rotate' && e.artificial) && e.kind !== 'heartbeat';
}

/** The header timestamp (seconds) of the first real event of `file`; null when it has none. */
async function firstEventSeconds(login: ReplicaLogin, file: string): Promise<number | null> {
  const c = client(login, file, true);
  try {
    await c.connect();
    for await (const batch of c.events()) {
      for (const e of batch) if (isReal(e)) return e.timestamp;
    }
    return null;
  } finally {
    await c.close().catch(() => undefined);
  }
}

async function scanFrom(login: ReplicaLogin, file: string, millis: number): Promise<BinlogPosition | null> {
  const c = client(login, file, true);
  let boundary: BinlogPosition | null = null;
  let inTxn = false;
  let curFile = file;
  try {
    await c.connect();
    for await (const batch of c.events()) {
      for (const e of batch) {
        if (e.kind === 'rotate') {
          curFile = e.nextFile;
          if (e.artificial) continue;
        }
        if (e.kind === 'heartbeat') continue;
        const startsTxn = e.kind === 'gtid' || e.kind === 'begin' || (e.kind === 'query' && e.commitPoint && !inTxn);
        if (startsTxn && !inTxn && e.timestamp * 1000 >= millis && boundary !== null) return boundary;
        if (e.kind === 'gtid' || e.kind === 'begin') inTxn = true;
        const ends = e.kind === 'xid' || e.kind === 'commit' || (e.kind === 'query' && e.commitPoint);
        if (ends) inTxn = false;
        if (!inTxn && e.kind !== 'rotate') {
          const p = e.position;
          boundary = { file: p.file !== '' ? p.file : curFile, pos: p.pos, gtid: p.gtid };
        }
      }
    }
    return null;
  } finally {
    await c.close().catch(() => undefined);
  }
}
