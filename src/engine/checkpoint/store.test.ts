import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c } from '../../core/crc32c.js';
import { encodeState, type StateValue } from '../state/codec.js';
import { CheckpointStore, decodeCheckpoint, encodeCheckpoint, readCheckpointParent, type CheckpointData } from './store.js';

function withDir(fn: (dir: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-store-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** Checkpoint `id`: full when `parent` is null, else a delta on `parent` (tag `t<id>`, the parent's `t<parent>`). */
function cp(id: number, parent: number | null, base: number, state: StateValue, tag = `t${id}`): CheckpointData {
  return {
    id,
    job: 'j',
    run: 'r1',
    planHash: 'p',
    totals: [id * 10],
    offsets: [id * 100],
    state,
    parent,
    base,
    tag,
    parentTag: parent === null ? null : `t${parent}`,
    createdAt: 1_700_000_000_000 + id,
  };
}

const names = (dir: string): string[] => readdirSync(dir).sort();
const file = (dir: string, id: number): string => join(dir, `chk-${String(id).padStart(10, '0')}.ckpt`);

describe('CheckpointStore chains', () => {
  test('a full checkpoint and its deltas load back as one chain, full first', withDir(async (dir) => {
    const store = new CheckpointStore(dir);
    await store.write(0, encodeCheckpoint(cp(0, null, 0, { full: 'f0' })), 'j');
    await store.write(1, encodeCheckpoint(cp(1, 0, 0, { delta: 'd1' })), 'j');
    await store.write(2, encodeCheckpoint(cp(2, 1, 0, { delta: 'd2' })), 'j');
    const loaded = store.loadLatest();
    assert.ok(loaded !== null);
    assert.equal(loaded.data.id, 2);
    assert.deepEqual(loaded.data.totals, [20]);
    assert.deepEqual(loaded.chain.map((d) => d.id), [0, 1, 2]);
    assert.deepEqual(loaded.chain.map((d) => d.state), [{ full: 'f0' }, { delta: 'd1' }, { delta: 'd2' }]);
    assert.deepEqual(loaded.skipped, []);
    assert.equal(readCheckpointParent(file(dir, 2)), 1);
    assert.equal(readCheckpointParent(file(dir, 0)), null);
  }));

  test('a torn middle link makes every checkpoint built on it unusable: the newest whole chain is used', withDir(async (dir) => {
    const store = new CheckpointStore(dir, { keep: 5 });
    await store.write(0, encodeCheckpoint(cp(0, null, 0, 'f0')), 'j');
    await store.write(1, encodeCheckpoint(cp(1, 0, 0, 'd1')), 'j');
    await store.write(2, encodeCheckpoint(cp(2, 1, 0, 'd2')), 'j');
    await store.write(3, encodeCheckpoint(cp(3, 2, 0, 'd3')), 'j');
    const b = readFileSync(file(dir, 2));
    truncateSync(file(dir, 2), Math.floor(b.length / 2));
    const loaded = store.loadLatest();
    assert.ok(loaded !== null);
    assert.equal(loaded.data.id, 1);
    assert.deepEqual(loaded.chain.map((d) => d.id), [0, 1]);
    assert.equal(loaded.skipped.length, 2);
    assert.match(loaded.skipped[0]!.file, /chk-0000000003\.ckpt$/);
    assert.match(loaded.skipped[0]!.reason, /builds on checkpoint 2: .*torn write/);
    assert.match(loaded.skipped[1]!.file, /chk-0000000002\.ckpt$/);
    assert.match(loaded.skipped[1]!.reason, /torn write/);
  }));

  test('a missing link makes its descendants unusable, and says so', withDir(async (dir) => {
    const store = new CheckpointStore(dir, { keep: 5 });
    await store.write(4, encodeCheckpoint(cp(4, null, 4, 'f4')), 'j');
    await store.write(5, encodeCheckpoint(cp(5, 4, 4, 'd5')), 'j');
    await store.write(6, encodeCheckpoint(cp(6, 5, 4, 'd6')), 'j');
    rmSync(file(dir, 5));
    const loaded = store.loadLatest();
    assert.ok(loaded !== null);
    assert.equal(loaded.data.id, 4);
    assert.equal(loaded.chain.length, 1);
    assert.match(loaded.skipped[0]!.reason, /builds on checkpoint 5: .*missing/);
  }));

  test('a chain whose full checkpoint is missing leaves no usable checkpoint: a clear error', withDir(async (dir) => {
    const store = new CheckpointStore(dir, { keep: 5 });
    await store.write(0, encodeCheckpoint(cp(0, null, 0, 'f0')), 'j');
    await store.write(1, encodeCheckpoint(cp(1, 0, 0, 'd1')), 'j');
    rmSync(file(dir, 0));
    assert.throws(() => store.loadLatest(), /no usable checkpoint .*builds on checkpoint 0: .*missing/);
  }));

  test('a stale file that reuses its parent\'s id (an abandoned timeline) is not taken for the parent', withDir(async (dir) => {
    const store = new CheckpointStore(dir, { keep: 5 });
    await store.write(0, encodeCheckpoint(cp(0, null, 0, 'f0')), 'j');
    await store.write(1, encodeCheckpoint(cp(1, null, 1, 'f1')), 'j');
    await store.write(2, encodeCheckpoint(cp(2, 1, 1, 'd2')), 'j');
    const saved = join(dir, 'saved');
    copyFileSync(file(dir, 2), saved);
    // A restart restored checkpoint 0 and writes a new checkpoint 1; it crashes before pruning.
    await store.write(1, encodeCheckpoint(cp(1, null, 1, 'new f1', 'other')), 'j');
    assert.ok(!names(dir).includes('chk-0000000002.ckpt'), 'files newer than the one written are removed');
    copyFileSync(saved, file(dir, 2));
    rmSync(saved);
    const loaded = store.loadLatest();
    assert.ok(loaded !== null);
    assert.equal(loaded.data.id, 1);
    assert.equal(loaded.data.state, 'new f1');
    assert.match(loaded.skipped[0]!.reason, /another checkpoint with that id/);
  }));

  test('pruning keeps the newest checkpoints and every file their chains need', withDir(async (dir) => {
    const store = new CheckpointStore(dir, { keep: 2 });
    await store.write(0, encodeCheckpoint(cp(0, null, 0, 'f0')), 'j');
    await store.write(1, encodeCheckpoint(cp(1, 0, 0, 'd1')), 'j');
    await store.write(2, encodeCheckpoint(cp(2, 1, 0, 'd2')), 'j');
    await store.write(3, encodeCheckpoint(cp(3, 2, 0, 'd3')), 'j');
    assert.deepEqual(names(dir), [0, 1, 2, 3].map((i) => `chk-000000000${i}.ckpt`));
    await store.write(4, encodeCheckpoint(cp(4, null, 4, 'f4')), 'j');
    // 4 and 3 are the newest two; 3 needs 2, 1 and 0.
    assert.deepEqual(names(dir), [0, 1, 2, 3, 4].map((i) => `chk-000000000${i}.ckpt`));
    await store.write(5, encodeCheckpoint(cp(5, 4, 4, 'd5')), 'j');
    assert.deepEqual(names(dir), ['chk-0000000004.ckpt', 'chk-0000000005.ckpt']);
    // A new store (after a restart) reads the parents from the files' headers.
    const again = new CheckpointStore(dir, { keep: 2 });
    await again.write(6, encodeCheckpoint(cp(6, 5, 4, 'd6')), 'j');
    assert.deepEqual(names(dir), ['chk-0000000004.ckpt', 'chk-0000000005.ckpt', 'chk-0000000006.ckpt']);
    const loaded = again.loadLatest();
    assert.deepEqual(loaded?.chain.map((d) => d.state), ['f4', 'd5', 'd6']);
  }));
});

describe('checkpoint file format', () => {
  test('version-1 files (no parent field) are still read, as full checkpoints', withDir((dir) => {
    const payload = encodeState({ id: 7, job: 'j', run: 'r', planHash: 'p', totals: [1], offsets: [null], state: { x: 1 }, createdAt: 5 });
    const header = Buffer.alloc(24);
    header.write('STRATACK', 0, 'latin1');
    header.writeUInt32LE(1, 8);
    header.writeUInt32LE(crc32c(payload) >>> 0, 12);
    header.writeBigUInt64LE(BigInt(payload.length), 16);
    writeFileSync(file(dir, 7), Buffer.concat([header, payload]));
    const loaded = new CheckpointStore(dir).loadLatest();
    assert.ok(loaded !== null);
    assert.equal(loaded.data.id, 7);
    assert.equal(loaded.data.parent, null);
    assert.equal(loaded.data.base, 7);
    assert.deepEqual(loaded.data.state, { x: 1 });
    assert.equal(readCheckpointParent(file(dir, 7)), null);
  }));

  test('the parent field is covered by the checksum', () => {
    const bytes = encodeCheckpoint(cp(3, 2, 0, 'd'));
    assert.equal(decodeCheckpoint(bytes, 'x').parent, 2);
    const flipped = Buffer.from(bytes);
    flipped[24] = 1; // parent 2 -> 1
    assert.throws(() => decodeCheckpoint(flipped, 'x'), /checksum does not match/);
  });

  test('an unknown version is refused with the versions this build reads', () => {
    const bytes = Buffer.from(encodeCheckpoint(cp(0, null, 0, 'f')));
    bytes.writeUInt32LE(9, 8);
    assert.throws(() => decodeCheckpoint(bytes, 'x'), /format version 9, this Strata reads versions 1 and 2/);
  });
});
