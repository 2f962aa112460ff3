import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { StrataError } from '../../core/errors.js';
import { decodeState, encodeState, type StateValue } from '../../engine/state/codec.js';
import { crc32 } from './binlog/crc32.js';

/**
 * The snapshot spool: what the snapshot phase of a `mysql-cdc` reader handed to `poll`, kept
 * durably so that a reader restored in the middle of the snapshot replays exactly the same
 * changes (the "exact replay" rule of engine/connector.ts). A snapshot read again later would
 * see newer rows; the spool does not.
 *
 * One file, `<dir>/snapshot.spool`, of records `[u32 length][u32 CRC-32 of the payload][payload]`
 * (little endian), each payload a `StateValue` in engine/state/codec.ts's encoding. Record 0 is
 * the header `{ magic, id }`; the id is random per spool and goes into the reader's offsets, so
 * offsets from another spool are never replayed from this one. Records are only appended, each
 * followed by an fsync, and a record is appended *before* its changes are handed to `poll`: a
 * record that is not in the spool was never returned. Opening cuts a torn tail (a length past
 * the end of the file or a CRC mismatch) at the first bad record.
 *
 * Memory: the spool keeps one number per record (its file offset); records are read one at a
 * time.
 */

const MAGIC = 'strata-mysql-cdc-spool-1';
const HEADER_BYTES = 8;
/** A record larger than this is treated as damage (a chunk is far smaller). */
const MAX_RECORD = 1 << 30;

export class SnapshotSpool {
  readonly #dir: string;
  readonly #path: string;
  #fh: FileHandle | null = null;
  /** File offset of each data record (the header excluded). */
  #offsets: number[] = [];
  #end = 0;
  #id = '';

  private constructor(dir: string) {
    this.#dir = dir;
    this.#path = join(dir, 'snapshot.spool');
  }

  /** The spool's random id (in the reader's offsets). */
  get id(): string {
    return this.#id;
  }

  /** Data records in the spool. */
  get count(): number {
    return this.#offsets.length;
  }

  get path(): string {
    return this.#path;
  }

  /** A new, empty spool in `dir` (an old one there is removed). */
  static async create(dir: string): Promise<SnapshotSpool> {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const s = new SnapshotSpool(dir);
    s.#fh = await open(s.#path, 'w+');
    s.#id = randomBytes(8).toString('hex');
    await s.#write(encodeState({ magic: MAGIC, id: s.#id }), false);
    await syncDir(dir);
    return s;
  }

  /**
   * The spool in `dir` as it was left, its torn tail cut; null when there is none (or its
   * header is unreadable).
   */
  static async openExisting(dir: string): Promise<SnapshotSpool | null> {
    const s = new SnapshotSpool(dir);
    let fh: FileHandle;
    try {
      fh = await open(s.#path, 'r+');
    } catch {
      return null;
    }
    s.#fh = fh;
    const size = (await fh.stat()).size;
    const head = Buffer.allocUnsafe(HEADER_BYTES);
    let at = 0;
    let first = true;
    while (at + HEADER_BYTES <= size) {
      await readFully(fh, head, at);
      const len = head.readUInt32LE(0);
      const crc = head.readUInt32LE(4);
      if (len > MAX_RECORD || at + HEADER_BYTES + len > size) break;
      const body = Buffer.allocUnsafe(len);
      await readFully(fh, body, at + HEADER_BYTES);
      if (crc32(body, 0, len) !== crc) break;
      if (first) {
        let h: StateValue;
        try {
          h = decodeState(body);
        } catch {
          break;
        }
        const rec = h as Readonly<Record<string, StateValue>> | null;
        if (rec === null || typeof rec !== 'object' || rec['magic'] !== MAGIC || typeof rec['id'] !== 'string') break;
        s.#id = rec['id'];
        first = false;
      } else {
        s.#offsets.push(at);
      }
      at += HEADER_BYTES + len;
    }
    if (first) {
      await fh.close();
      return null;
    }
    if (at < size) {
      await fh.truncate(at);
      await fh.sync();
    }
    s.#end = at;
    return s;
  }

  /** Removes the spool directory (the snapshot is over and no offsets need it any more). */
  static remove(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
  }

  /** Appends one record and makes it durable (fsync) before resolving. */
  async append(value: StateValue): Promise<void> {
    await this.appendMany([value]);
  }

  /** Appends records and makes them durable with one fsync before resolving. */
  async appendMany(values: readonly StateValue[]): Promise<void> {
    if (values.length === 0) return;
    const at: number[] = [];
    const parts: Buffer[] = [];
    let end = this.#end;
    for (const v of values) {
      const payload = encodeState(v);
      at.push(end);
      parts.push(recordHead(payload), payload);
      end += HEADER_BYTES + payload.length;
    }
    await this.#writeParts(parts, end, true);
    for (const a of at) this.#offsets.push(a);
  }

  async #write(payload: Buffer, sync: boolean): Promise<void> {
    await this.#writeParts([recordHead(payload), payload], this.#end + HEADER_BYTES + payload.length, sync);
  }

  async #writeParts(parts: Buffer[], end: number, sync: boolean): Promise<void> {
    const fh = this.#handle();
    await fh.writev(parts, this.#end);
    this.#end = end;
    if (sync) await fh.datasync();
    else await fh.sync();
  }

  /** Record `i` (0-based, the header excluded). */
  async read(i: number): Promise<StateValue> {
    const at = this.#offsets[i];
    if (at === undefined) throw new StrataError('INTERNAL', `snapshot spool ${this.#path} has no record ${i} (it has ${this.#offsets.length})`);
    const fh = this.#handle();
    const head = Buffer.allocUnsafe(HEADER_BYTES);
    await readFully(fh, head, at);
    const body = Buffer.allocUnsafe(head.readUInt32LE(0));
    await readFully(fh, body, at + HEADER_BYTES);
    return decodeState(body);
  }

  async close(): Promise<void> {
    const fh = this.#fh;
    this.#fh = null;
    await fh?.close();
  }

  #handle(): FileHandle {
    if (this.#fh === null) throw new StrataError('INTERNAL', `snapshot spool ${this.#path} is closed`);
    return this.#fh;
  }

  get dir(): string {
    return this.#dir;
  }
}

function recordHead(payload: Buffer): Buffer {
  const head = Buffer.allocUnsafe(HEADER_BYTES);
  head.writeUInt32LE(payload.length, 0);
  head.writeUInt32LE(crc32(payload, 0, payload.length), 4);
  return head;
}

async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, position + done);
    if (bytesRead === 0) throw new StrataError('STATE', `unexpected end of the snapshot spool at byte ${position + done}`);
    done += bytesRead;
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Some file systems do not fsync directories; the file itself is synced.
  }
}
