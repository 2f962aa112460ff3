import { closeSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32c } from '../../core/crc32c.js';
import { StrataError } from '../../core/errors.js';
import { faultPoint } from '../../core/fault.js';
import { decodeState, StateWriter, type StateValue } from '../state/codec.js';

/**
 * Durable checkpoint files of one job: `chk-<id>.ckpt` in the job's checkpoint directory.
 *
 * Layout, version 2: 8 bytes magic `STRATACK`, u32 format version, u32 CRC32C, u64 payload
 * length, i64 parent id (-1 for a full checkpoint), then the payload (the checkpoint
 * record, encoded with the state codec); the CRC covers the parent field and the payload.
 * Version 1 (still read): the same without the parent field, the CRC over the payload;
 * always a full checkpoint.
 *
 * A checkpoint is *full* (its `state` is every operator's state) or *incremental* (its
 * `state` is a `JobGraph.snapshotDelta()` on top of its `parent`): restoring one means
 * restoring its chain, the full checkpoint at its root and every delta after it, in order.
 *
 * Written as temp file → fsync → rename → fsync of the directory, so a file with the final
 * name is complete; a torn or corrupted file is detected by its length and checksum, and a
 * checkpoint whose chain has such a link (or a missing one) is skipped for the newest one
 * whose whole chain reads back. The newest `keep` checkpoints stay on disk, with every file
 * their chains need.
 */

const MAGIC = Buffer.from('STRATACK', 'latin1');
const VERSION = 2;
const HEADER_V1 = 8 + 4 + 4 + 8;
const HEADER = HEADER_V1 + 8;

/** What a checkpoint holds. */
export interface CheckpointData {
  readonly id: number;
  readonly job: string;
  /** The job's lineage (see CommitToken.run). */
  readonly run: string;
  /** A hash of the job's plan: a changed pipeline cannot restore an old checkpoint. */
  readonly planHash: string;
  /** Changes consumed per source (plan order) since the job first started. */
  readonly totals: readonly number[];
  /** Each source's offsets (plan order). */
  readonly offsets: readonly StateValue[];
  /**
   * A full checkpoint: every operator's state (`JobGraph.snapshot()`). An incremental one:
   * what changed since its parent (`JobGraph.snapshotDelta()`).
   */
  readonly state: StateValue;
  /** The checkpoint an incremental one builds on; null for a full one. */
  readonly parent: number | null;
  /** The full checkpoint at the root of the chain (the id itself for a full one). */
  readonly base: number;
  /**
   * A random name of this checkpoint, and the one of its parent: a chain links files by
   * these, so a stale file that reuses an id (from a timeline the job abandoned after a
   * restore) is never taken for the parent. Version-1 files have ''.
   */
  readonly tag: string;
  readonly parentTag: string | null;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/** A checkpoint's fields other than its state (the state is streamed, see `encodeCheckpointWith`). */
export type CheckpointHead = Omit<CheckpointData, 'state'>;

export interface LoadedCheckpoint {
  /** The newest usable checkpoint (its offsets and totals are where the job continues). */
  readonly data: CheckpointData;
  readonly file: string;
  /** What to restore, in order: the full checkpoint at the root of `data`'s chain, then each incremental one up to `data`. */
  readonly chain: readonly CheckpointData[];
  /** Newer files that were not usable, with why. */
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
}

export interface WrittenCheckpoint {
  readonly id: number;
  readonly file: string;
  readonly bytes: number;
}

function fileName(id: number): string {
  return `chk-${String(id).padStart(10, '0')}.ckpt`;
}

function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'no space left on device';
  if (code === 'EDQUOT') return 'disk quota exceeded';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? String(e);
}

/** Encodes a checkpoint record into file bytes (header + payload). */
export function encodeCheckpoint(data: CheckpointData): Buffer {
  return encodeCheckpointWith(data, (w) => w.value(data.state));
}

/**
 * Encodes a checkpoint into file bytes, its state written by `writeState` straight into
 * the file's buffer (e.g. `JobGraph.writeSnapshot`: no intermediate StateValue, no copy
 * of the payload). `options.sizeHint`: the expected size in bytes, so the buffer is not
 * regrown many times; `options.reuse`: a buffer no longer in use to write into (the
 * result is then a view of it, or of a larger one if it had to grow). Large buffers are
 * external memory that can make V8 run a full GC of the heap in the middle of the pause.
 */
export function encodeCheckpointWith(
  head: CheckpointHead,
  writeState: (w: StateWriter) => void,
  options: { readonly sizeHint?: number; readonly reuse?: Buffer | undefined } = {},
): Buffer {
  const w = new StateWriter(Math.max(4096, Math.ceil((options.sizeHint ?? 0) * 1.1)), options.reuse);
  w.ensure(HEADER);
  w.pos = HEADER;
  w.record(12);
  w.field('id');
  w.number(head.id);
  w.field('job');
  w.value(head.job);
  w.field('run');
  w.value(head.run);
  w.field('planHash');
  w.value(head.planHash);
  w.field('totals');
  w.value(head.totals);
  w.field('offsets');
  w.value(head.offsets);
  w.field('parent');
  w.value(head.parent);
  w.field('base');
  w.number(head.base);
  w.field('tag');
  w.value(head.tag);
  w.field('parentTag');
  w.value(head.parentTag);
  w.field('createdAt');
  w.number(head.createdAt);
  w.field('state');
  writeState(w);
  const out = w.finish();
  MAGIC.copy(out, 0);
  out.writeUInt32LE(VERSION, 8);
  out.writeBigUInt64LE(BigInt(out.length - HEADER), 16);
  out.writeBigInt64LE(BigInt(head.parent ?? -1), HEADER_V1);
  out.writeUInt32LE(crc32c(out.subarray(HEADER_V1)) >>> 0, 12);
  return out;
}

/** The parent id a checkpoint file's header names (null: a full checkpoint); undefined when the header is unreadable. */
export function readCheckpointParent(file: string): number | null | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const h = Buffer.alloc(HEADER);
    const n = readSync(fd, h, 0, HEADER, 0);
    return headerParent(h.subarray(0, n));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function headerParent(h: Buffer): number | null | undefined {
  if (h.length < HEADER_V1 || !h.subarray(0, 8).equals(MAGIC)) return undefined;
  const version = h.readUInt32LE(8);
  if (version === 1) return null;
  if (version !== 2 || h.length < HEADER) return undefined;
  const p = Number(h.readBigInt64LE(HEADER_V1));
  return p < 0 ? null : p;
}

/** Decodes file bytes; throws a STATE error saying what is wrong. */
export function decodeCheckpoint(buf: Buffer, file: string): CheckpointData {
  const bad = (why: string): StrataError => new StrataError('STATE', `checkpoint file ${file} is not usable: ${why}`);
  if (buf.length < HEADER_V1) throw bad(`it has ${buf.length} bytes, less than the ${HEADER_V1}-byte header (torn write)`);
  if (!buf.subarray(0, 8).equals(MAGIC)) throw bad('it does not start with the checkpoint magic');
  const version = buf.readUInt32LE(8);
  if (version !== 1 && version !== VERSION) throw bad(`format version ${version}, this Strata reads versions 1 and ${VERSION}`);
  const header = version === 1 ? HEADER_V1 : HEADER;
  if (buf.length < header) throw bad(`it has ${buf.length} bytes, less than the ${header}-byte header (torn write)`);
  const crc = buf.readUInt32LE(12);
  const len = Number(buf.readBigUInt64LE(16));
  if (buf.length - header !== len) throw bad(`the payload has ${buf.length - header} bytes, the header says ${len} (torn write)`);
  const payload = buf.subarray(header);
  // Version 1: the payload; version 2: the parent field and the payload.
  if ((crc32c(buf.subarray(HEADER_V1)) >>> 0) !== crc) throw bad('the checksum does not match (corrupted)');
  const headerParentId = version === 1 ? null : headerParent(buf);
  const r = decodeState(payload) as Readonly<Record<string, StateValue>>;
  const num = (v: StateValue, what: string): number => {
    if (typeof v !== 'number') throw bad(`field '${what}' is missing`);
    return v;
  };
  const str = (v: StateValue, what: string): string => {
    if (typeof v !== 'string') throw bad(`field '${what}' is missing`);
    return v;
  };
  const totals = r['totals'];
  const offsets = r['offsets'];
  if (!Array.isArray(totals) || !Array.isArray(offsets)) throw bad('totals or offsets are missing');
  const id = num(r['id'] ?? null, 'id');
  const parent = version === 1 ? null : r['parent'] === null ? null : num(r['parent'] ?? null, 'parent');
  if (parent !== headerParentId) throw bad(`the header names parent ${String(headerParentId)}, the record ${String(parent)}`);
  if (parent !== null && parent >= id) throw bad(`its parent ${parent} is not older than it`);
  const base = version === 1 ? id : num(r['base'] ?? null, 'base');
  const tag = version === 1 ? '' : str(r['tag'] ?? null, 'tag');
  const parentTag = parent === null ? null : str(r['parentTag'] ?? null, 'parentTag');
  return {
    id,
    job: str(r['job'] ?? null, 'job'),
    run: str(r['run'] ?? null, 'run'),
    planHash: str(r['planHash'] ?? null, 'planHash'),
    totals: (totals as StateValue[]).map((t) => num(t, 'totals')),
    offsets: offsets as StateValue[],
    state: r['state'] ?? null,
    parent,
    base,
    tag,
    parentTag,
    createdAt: num(r['createdAt'] ?? null, 'createdAt'),
  };
}

export class CheckpointStore {
  readonly dir: string;
  readonly #keep: number;
  /** Parent of each checkpoint file seen (null: full), so pruning reads headers only once. */
  readonly #parents = new Map<number, number | null>();

  constructor(dir: string, options: { keep?: number } = {}) {
    this.dir = dir;
    this.#keep = Math.max(2, options.keep ?? 3);
  }

  /** Ids of the checkpoint files present (complete names only), newest first. */
  list(): number[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const ids: number[] = [];
    for (const n of names) {
      const m = /^chk-(\d+)\.ckpt$/.exec(n);
      if (m !== null) ids.push(Number(m[1]));
    }
    return ids.sort((a, b) => b - a);
  }

  /**
   * The newest checkpoint whose whole chain reads back (its file and, for an incremental
   * one, every file down to the full checkpoint it builds on), or null when there is none.
   * Newer checkpoints that were not usable are listed in `skipped` with why.
   */
  loadLatest(): LoadedCheckpoint | null {
    const skipped: { file: string; reason: string }[] = [];
    /** Files read so far (chains share links): the data, or why it is not usable. */
    const read = new Map<number, CheckpointData | string>();
    const load = (id: number): CheckpointData | string => {
      let d = read.get(id);
      if (d !== undefined) return d;
      const file = join(this.dir, fileName(id));
      try {
        d = decodeCheckpoint(readFileSync(file), file);
      } catch (e) {
        d = e instanceof StrataError ? e.bare : `checkpoint file ${file} is not usable: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is missing' : errnoText(e)}`;
      }
      read.set(id, d);
      return d;
    };
    for (const id of this.list()) {
      const file = join(this.dir, fileName(id));
      const chain: CheckpointData[] = [];
      let why: string | null = null;
      for (let at = id; ; ) {
        const d = load(at);
        if (typeof d === 'string') {
          why = at === id ? d : `it builds on checkpoint ${at}: ${d}`;
          break;
        }
        const head = chain[chain.length - 1];
        if (head !== undefined && (d.tag !== head.parentTag || d.run !== head.run || d.planHash !== head.planHash || d.job !== head.job)) {
          why = `it builds on checkpoint ${at}, but ${fileName(at)} is another checkpoint with that id (from an abandoned run or pipeline)`;
          break;
        }
        chain.push(d);
        if (d.parent === null) {
          if (d.id !== chain[0]!.base) why = `its chain ends at full checkpoint ${d.id}, but it names ${chain[0]!.base} as its base`;
          break;
        }
        at = d.parent;
      }
      if (why === null) {
        chain.reverse();
        for (const d of chain) this.#parents.set(d.id, d.parent);
        return { data: chain[chain.length - 1]!, file, chain, skipped };
      }
      skipped.push({ file, reason: why });
    }
    if (skipped.length > 0) {
      throw new StrataError('STATE', `no usable checkpoint in ${this.dir}: ${skipped.map((s) => s.reason).join('; ')}`, {
        domain: 'external',
        hint: 'Restore the directory from a backup, or move it away to start the job from scratch (a new snapshot; tables written before keep their rows).',
      });
    }
    return null;
  }

  /**
   * Writes checkpoint bytes durably (temp file, fsync, rename, fsync of the directory).
   * Rejects with a STATE error naming the file and the cause (a full disk says so).
   */
  async write(id: number, bytes: Buffer, job: string): Promise<WrittenCheckpoint> {
    const file = join(this.dir, fileName(id));
    const tmp = `${file}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      const fh = await open(tmp, 'w');
      try {
        let off = 0;
        while (off < bytes.length) off += (await fh.write(bytes, off, bytes.length - off)).bytesWritten;
        faultPoint('checkpoint.after-state-write');
        await fh.sync();
      } finally {
        await fh.close();
      }
      faultPoint('checkpoint.before-rename');
      await rename(tmp, file);
      faultPoint('checkpoint.after-rename');
      const dh = await open(this.dir, 'r');
      try {
        await dh.sync();
      } finally {
        await dh.close();
      }
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new StrataError('STATE', `checkpoint ${id} of job '${job}' could not be written to ${file}: ${errnoText(e)}`, {
        domain: 'external',
        hint: 'Free space (or fix permissions) on the data directory; the job keeps running and writes the next checkpoint at the next interval; a restart now would use the previous checkpoint.',
      });
    }
    const parent = headerParent(bytes.subarray(0, HEADER));
    if (parent !== undefined) this.#parents.set(id, parent);
    this.#prune(id);
    return { id, file, bytes: bytes.length };
  }

  /** The parent of checkpoint `id` (null: full, or unknown: the file is gone or unreadable). */
  #parentOf(id: number): number | null {
    let p = this.#parents.get(id);
    if (p === undefined) {
      p = readCheckpointParent(join(this.dir, fileName(id))) ?? null;
      this.#parents.set(id, p);
    }
    return p;
  }

  #prune(newest: number): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    // Files newer than the one just written are from a timeline the job abandoned (they
    // were not usable when it restored): a delta among them must never be read on top of
    // the new files that reuse their parents' ids.
    const ids = this.list().filter((id) => {
      if (id <= newest) return true;
      rmSync(join(this.dir, fileName(id)), { force: true });
      this.#parents.delete(id);
      return false;
    });
    // The newest `keep` checkpoints, and every file their chains need.
    const needed = new Set<number>();
    for (const id of ids.slice(0, this.#keep)) {
      for (let at: number | null = id; at !== null && !needed.has(at); at = this.#parentOf(at)) needed.add(at);
    }
    for (const id of ids) {
      if (needed.has(id)) continue;
      rmSync(join(this.dir, fileName(id)), { force: true });
      this.#parents.delete(id);
    }
    for (const n of names) if (n.endsWith('.ckpt.tmp') && n !== `${fileName(newest)}.tmp`) rmSync(join(this.dir, n), { force: true });
  }
}
