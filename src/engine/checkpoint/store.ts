import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32c } from '../../core/crc32c.js';
import { StrataError } from '../../core/errors.js';
import { faultPoint } from '../../core/fault.js';
import { decodeState, encodeState, type StateValue } from '../state/codec.js';

/**
 * Durable checkpoint files of one job: `chk-<id>.ckpt` in the job's checkpoint directory.
 *
 * Layout: 8 bytes magic `STRATACK`, u32 format version, u32 CRC32C of the payload, u64
 * payload length, then the payload (the checkpoint record, encoded with the state codec).
 * Written as temp file → fsync → rename → fsync of the directory, so a file with the final
 * name is complete; a torn or corrupted file is detected by its length and checksum and the
 * previous checkpoint is used. The newest `keep` checkpoints stay on disk.
 */

const MAGIC = Buffer.from('STRATACK', 'latin1');
const VERSION = 1;
const HEADER = 8 + 4 + 4 + 8;

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
  /** Every operator's state (JobGraph.snapshot()). */
  readonly state: StateValue;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

export interface LoadedCheckpoint {
  readonly data: CheckpointData;
  readonly file: string;
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
  const record: StateValue = {
    id: data.id,
    job: data.job,
    run: data.run,
    planHash: data.planHash,
    totals: [...data.totals],
    offsets: [...data.offsets],
    state: data.state,
    createdAt: data.createdAt,
  };
  const payload = encodeState(record);
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(VERSION, 8);
  out.writeUInt32LE(crc32c(payload) >>> 0, 12);
  out.writeBigUInt64LE(BigInt(payload.length), 16);
  out.set(payload, HEADER);
  return out;
}

/** Decodes file bytes; throws a STATE error saying what is wrong. */
export function decodeCheckpoint(buf: Buffer, file: string): CheckpointData {
  const bad = (why: string): StrataError => new StrataError('STATE', `checkpoint file ${file} is not usable: ${why}`);
  if (buf.length < HEADER) throw bad(`it has ${buf.length} bytes, less than the ${HEADER}-byte header (torn write)`);
  if (!buf.subarray(0, 8).equals(MAGIC)) throw bad('it does not start with the checkpoint magic');
  const version = buf.readUInt32LE(8);
  if (version !== VERSION) throw bad(`format version ${version}, this Strata reads version ${VERSION}`);
  const crc = buf.readUInt32LE(12);
  const len = Number(buf.readBigUInt64LE(16));
  if (buf.length - HEADER !== len) throw bad(`the payload has ${buf.length - HEADER} bytes, the header says ${len} (torn write)`);
  const payload = buf.subarray(HEADER);
  if ((crc32c(payload) >>> 0) !== crc) throw bad('the checksum does not match (corrupted)');
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
  return {
    id: num(r['id'] ?? null, 'id'),
    job: str(r['job'] ?? null, 'job'),
    run: str(r['run'] ?? null, 'run'),
    planHash: str(r['planHash'] ?? null, 'planHash'),
    totals: (totals as StateValue[]).map((t) => num(t, 'totals')),
    offsets: offsets as StateValue[],
    state: r['state'] ?? null,
    createdAt: num(r['createdAt'] ?? null, 'createdAt'),
  };
}

export class CheckpointStore {
  readonly dir: string;
  readonly #keep: number;

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

  /** The newest checkpoint that reads back whole, or null when there is none. */
  loadLatest(): LoadedCheckpoint | null {
    const skipped: { file: string; reason: string }[] = [];
    for (const id of this.list()) {
      const file = join(this.dir, fileName(id));
      try {
        const data = decodeCheckpoint(readFileSync(file), file);
        return { data, file, skipped };
      } catch (e) {
        skipped.push({ file, reason: e instanceof StrataError ? e.bare : errnoText(e) });
      }
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
    this.#prune(id);
    return { id, file, bytes: bytes.length };
  }

  #prune(newest: number): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    const ids = this.list();
    for (const id of ids.slice(this.#keep)) rmSync(join(this.dir, fileName(id)), { force: true });
    for (const n of names) if (n.endsWith('.ckpt.tmp') && n !== `${fileName(newest)}.tmp`) rmSync(join(this.dir, n), { force: true });
  }
}
