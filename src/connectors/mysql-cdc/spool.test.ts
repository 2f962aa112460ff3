import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from '../../core/decimal.js';
import { SnapshotSpool } from './spool.js';

/** The snapshot spool: durable records, replay by index, torn tails cut. */

function dir(): string {
  return join(mkdtempSync(join(tmpdir(), 'strata-spool-')), 'db.t');
}

describe('SnapshotSpool', () => {
  test('records come back equal, by index, after reopening', async () => {
    const d = dir();
    const s = await SnapshotSpool.create(d);
    const recs = [{ r: [[1, 'a', null]] }, { r: [[2n, Decimal.parse('1.50')!, new Uint8Array([1, 2])]] }, { r: [] }];
    for (const r of recs) await s.append(r);
    await s.close();
    const t = await SnapshotSpool.openExisting(d);
    assert.ok(t !== null);
    assert.equal(t.id, s.id);
    assert.equal(t.count, 3);
    assert.deepEqual(await t.read(1), recs[1]);
    assert.deepEqual(await t.read(0), recs[0]);
    await t.append({ r: [[3]] });
    await t.close();
    const u = await SnapshotSpool.openExisting(d);
    assert.equal(u?.count, 4);
    assert.deepEqual(await u!.read(3), { r: [[3]] });
    await u!.close();
    rmSync(join(d, '..'), { recursive: true, force: true });
  });

  test('a torn or damaged tail is cut at the first bad record', async () => {
    const d = dir();
    const s = await SnapshotSpool.create(d);
    await s.append({ n: 1 });
    await s.append({ n: 2 });
    const good = statSync(s.path).size;
    await s.append({ n: 3 });
    await s.close();
    // Torn: the last record cut in the middle.
    truncateSync(s.path, statSync(s.path).size - 2);
    let t = await SnapshotSpool.openExisting(d);
    assert.equal(t?.count, 2);
    await t!.close();
    assert.equal(statSync(s.path).size, good);
    // Damaged: a flipped byte in the last record's payload.
    t = await SnapshotSpool.openExisting(d);
    await t!.append({ n: 3 });
    await t!.close();
    const bytes = readFileSync(s.path);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(s.path, bytes);
    t = await SnapshotSpool.openExisting(d);
    assert.equal(t?.count, 2);
    await t!.close();
    // Garbage after the last record.
    appendFileSync(s.path, Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3]));
    t = await SnapshotSpool.openExisting(d);
    assert.equal(t?.count, 2);
    assert.deepEqual(await t!.read(1), { n: 2 });
    await t!.close();
    rmSync(join(d, '..'), { recursive: true, force: true });
  });

  test('no spool, or a file without the header, opens as null; remove deletes it', async () => {
    const d = dir();
    assert.equal(await SnapshotSpool.openExisting(d), null);
    const s = await SnapshotSpool.create(d);
    await s.close();
    writeFileSync(s.path, Buffer.from('not a spool'));
    assert.equal(await SnapshotSpool.openExisting(d), null);
    SnapshotSpool.remove(d);
    assert.equal(await SnapshotSpool.openExisting(d), null);
    rmSync(join(d, '..'), { recursive: true, force: true });
  });
});
