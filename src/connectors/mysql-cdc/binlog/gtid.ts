import { StrataError } from '../../../core/errors.js';

/**
 * GTIDs of both flavors.
 *
 * - MySQL: a GTID is `source_uuid:transaction_id`; a GTID *set* is
 *   `uuid:1-5:7,uuid2:1-3` (intervals inclusive in text, [start, end) in the binary
 *   encoding of PREVIOUS_GTIDS and COM_BINLOG_DUMP_GTID). Transaction ids are kept as
 *   numbers (exact below 2^53).
 * - MariaDB: a GTID is `domain-server-sequence`; a replication *state* is one GTID per
 *   domain, `0-1-42,1-2-7`, which is what `@slave_connect_state` takes.
 */

function bad(what: string, text: string): StrataError {
  return new StrataError('CONNECTOR_OPTION', `malformed GTID ${what} '${text}'`, {
    hint: "MySQL GTID sets look like '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,…'; MariaDB GTIDs like '0-1-42,1-2-7'.",
  });
}

// ---------------------------------------------------------------------------
// MySQL
// ---------------------------------------------------------------------------

/** A mutable MySQL GTID set: per source UUID, sorted disjoint [start, end] (inclusive) intervals. */
export class MysqlGtidSet {
  readonly #sets = new Map<string, number[]>();

  static parse(text: string): MysqlGtidSet {
    const set = new MysqlGtidSet();
    const t = text.replace(/\s+/g, '');
    if (t === '') return set;
    for (const part of t.split(',')) {
      const pieces = part.split(':');
      const uuid = (pieces[0] ?? '').toLowerCase();
      if (!/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/.test(uuid) || pieces.length < 2) throw bad('set', text);
      const norm = normalizeUuid(uuid);
      for (let i = 1; i < pieces.length; i++) {
        const m = /^(\d+)(?:-(\d+))?$/.exec(pieces[i]!);
        if (m === null) {
          // MySQL 8.3+ tags (`uuid:tag:1-5`) are not supported.
          throw bad('set', text);
        }
        const a = Number(m[1]);
        const b = m[2] === undefined ? a : Number(m[2]);
        if (a < 1 || b < a) throw bad('set', text);
        set.addInterval(norm, a, b);
      }
    }
    return set;
  }

  isEmpty(): boolean {
    return this.#sets.size === 0;
  }

  /** Adds transaction `gno` of `uuid` (amortized O(1) when ids arrive in order). */
  add(uuid: string, gno: number): void {
    this.addInterval(uuid, gno, gno);
  }

  addInterval(uuid: string, start: number, end: number): void {
    let iv = this.#sets.get(uuid);
    if (iv === undefined) {
      this.#sets.set(uuid, [start, end]);
      return;
    }
    const n = iv.length;
    // Fast path: extends or follows the last interval.
    if (start >= iv[n - 2]!) {
      if (start <= iv[n - 1]! + 1) {
        if (end > iv[n - 1]!) iv[n - 1] = end;
        return;
      }
      iv.push(start, end);
      return;
    }
    iv.push(start, end);
    const pairs: [number, number][] = [];
    for (let i = 0; i < iv.length; i += 2) pairs.push([iv[i]!, iv[i + 1]!]);
    pairs.sort((x, y) => x[0] - y[0]);
    const merged: number[] = [];
    for (const [s, e] of pairs) {
      const m = merged.length;
      if (m > 0 && s <= merged[m - 1]! + 1) {
        if (e > merged[m - 1]!) merged[m - 1] = e;
      } else merged.push(s, e);
    }
    iv = merged;
    this.#sets.set(uuid, iv);
  }

  has(uuid: string, gno: number): boolean {
    const iv = this.#sets.get(uuid);
    if (iv === undefined) return false;
    for (let i = 0; i < iv.length; i += 2) if (gno >= iv[i]! && gno <= iv[i + 1]!) return true;
    return false;
  }

  clone(): MysqlGtidSet {
    const c = new MysqlGtidSet();
    for (const [u, iv] of this.#sets) c.#sets.set(u, iv.slice());
    return c;
  }

  /** MySQL's text form: UUIDs sorted, `uuid:1-5:7`. */
  toString(): string {
    const uuids = [...this.#sets.keys()].sort();
    const parts: string[] = [];
    for (const u of uuids) {
      const iv = this.#sets.get(u)!;
      let s = u;
      for (let i = 0; i < iv.length; i += 2) s += iv[i] === iv[i + 1] ? `:${iv[i]}` : `:${iv[i]}-${iv[i + 1]}`;
      parts.push(s);
    }
    return parts.join(',');
  }

  /** The binary encoding used by COM_BINLOG_DUMP_GTID and PREVIOUS_GTIDS. */
  encode(): Buffer {
    const uuids = [...this.#sets.keys()].sort();
    let size = 8;
    for (const u of uuids) size += 16 + 8 + (this.#sets.get(u)!.length / 2) * 16;
    const out = Buffer.alloc(size);
    let p = 0;
    out.writeBigUInt64LE(BigInt(uuids.length), p);
    p += 8;
    for (const u of uuids) {
      Buffer.from(u.replace(/-/g, ''), 'hex').copy(out, p);
      p += 16;
      const iv = this.#sets.get(u)!;
      out.writeBigUInt64LE(BigInt(iv.length / 2), p);
      p += 8;
      for (let i = 0; i < iv.length; i += 2) {
        out.writeBigUInt64LE(BigInt(iv[i]!), p);
        out.writeBigUInt64LE(BigInt(iv[i + 1]! + 1), p + 8);
        p += 16;
      }
    }
    return out;
  }

  /** Decodes the binary encoding at `buf[pos]`. */
  static decode(buf: Buffer, pos: number, end: number): MysqlGtidSet {
    const set = new MysqlGtidSet();
    const need = (n: number): void => {
      if (pos + n > end) throw new StrataError('CONNECTOR_DATA', 'truncated GTID set');
    };
    need(8);
    const n = Number(buf.readBigUInt64LE(pos));
    pos += 8;
    for (let i = 0; i < n; i++) {
      need(24);
      const uuid = uuidText(buf, pos);
      pos += 16;
      const k = Number(buf.readBigUInt64LE(pos));
      pos += 8;
      for (let j = 0; j < k; j++) {
        need(16);
        const s = Number(buf.readBigUInt64LE(pos));
        const e = Number(buf.readBigUInt64LE(pos + 8));
        pos += 16;
        if (e > s) set.addInterval(uuid, s, e - 1);
      }
    }
    return set;
  }
}

function normalizeUuid(u: string): string {
  const h = u.replace(/-/g, '');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The text form of the 16-byte UUID at `pos`. */
export function uuidText(buf: Buffer, pos: number): string {
  const h = buf.toString('hex', pos, pos + 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---------------------------------------------------------------------------
// MariaDB
// ---------------------------------------------------------------------------

export interface MariaDbGtid {
  readonly domain: number;
  readonly server: number;
  readonly seq: number;
}

export function formatMariaDbGtid(g: MariaDbGtid): string {
  return `${g.domain}-${g.server}-${g.seq}`;
}

/** A MariaDB replication state: the last GTID of each domain. */
export class MariaDbGtidState {
  readonly #byDomain = new Map<number, MariaDbGtid>();

  static parse(text: string): MariaDbGtidState {
    const st = new MariaDbGtidState();
    const t = text.replace(/\s+/g, '');
    if (t === '') return st;
    for (const part of t.split(',')) {
      const m = /^(\d+)-(\d+)-(\d+)$/.exec(part);
      if (m === null) throw bad('state', text);
      st.set({ domain: Number(m[1]), server: Number(m[2]), seq: Number(m[3]) });
    }
    return st;
  }

  isEmpty(): boolean {
    return this.#byDomain.size === 0;
  }

  set(g: MariaDbGtid): void {
    this.#byDomain.set(g.domain, g);
  }

  get(domain: number): MariaDbGtid | undefined {
    return this.#byDomain.get(domain);
  }

  /** The GTIDs, domains ascending. */
  all(): MariaDbGtid[] {
    return [...this.#byDomain.values()].sort((a, b) => a.domain - b.domain);
  }

  clone(): MariaDbGtidState {
    const c = new MariaDbGtidState();
    for (const g of this.#byDomain.values()) c.set(g);
    return c;
  }

  /** `0-1-42,1-2-7`, domains ascending. */
  toString(): string {
    return [...this.#byDomain.values()]
      .sort((a, b) => a.domain - b.domain)
      .map(formatMariaDbGtid)
      .join(',');
  }
}

/** Is this text a MariaDB GTID state (`d-s-n[,d-s-n]`) rather than a MySQL GTID set? */
export function looksLikeMariaDbGtid(text: string): boolean {
  return /^\s*\d+-\d+-\d+(\s*,\s*\d+-\d+-\d+)*\s*$/.test(text);
}
