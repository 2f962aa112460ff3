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

  test('units: offsets, kinds and every kind of value come back equal, in append order', async () => {
    const d = dir();
    const s = await SnapshotSpool.create(d);
    const rows = [
      [null, true, false, 0, -0, 1, -2147483648, 2147483647, 2147483648, 1.5, Number.NaN, Number.POSITIVE_INFINITY],
      [0n, -1n, 2n ** 53n - 1n, -(2n ** 53n) + 1n, 2n ** 53n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 64n - 1n, -(2n ** 70n)],
      [new Decimal(12345n, 2), new Decimal(-5n, 1), new Decimal(2n ** 60n, 0), new Decimal(18446744073709551615n, 0), new Decimal(-(10n ** 40n), 30)],
      ['', 'ascii', 'note ü', '𝄞'.repeat(40), 'x'.repeat(100) + 'é', new Uint8Array(0), Uint8Array.of(0, 255, 7)],
      [],
    ];
    // Two appends started back to back: written in call order, each durable when its promise resolves.
    const a = s.appendUnits([{ offsets: { seq: 1, file: 'b.000001' }, kinds: [0, 3, 1, 2, 0], rows }]);
    const b = s.appendUnits([
      { offsets: { seq: 2 }, kinds: Uint8Array.of(3), rows: [[1, 'one']] },
      { offsets: null, kinds: [], rows: [] },
    ]);
    assert.equal(s.count, 3, 'counted when the append starts');
    await Promise.all([a, b]);
    await s.append({ n: 9 }); // a state-codec record after units
    await s.close();
    const t = await SnapshotSpool.openExisting(d);
    assert.ok(t !== null);
    assert.equal(t.count, 4);
    const u0 = await t.readUnit(0);
    assert.deepEqual(u0.offsets, { seq: 1, file: 'b.000001' });
    assert.deepEqual([...u0.kinds], [0, 3, 1, 2, 0]);
    assert.deepEqual(u0.rows, rows);
    const u1 = await t.readUnit(1);
    assert.deepEqual([u1.offsets, [...u1.kinds], u1.rows], [{ seq: 2 }, [3], [[1, 'one']]]);
    assert.deepEqual((await t.readUnit(2)).rows, []);
    assert.deepEqual(await t.read(3), { n: 9 });
    // read() gives a unit as the record { o, k, r }.
    assert.deepEqual(await t.read(1), { o: { seq: 2 }, k: Uint8Array.of(3), r: [[1, 'one']] });
    await t.close();
    rmSync(join(d, '..'), { recursive: true, force: true });
  });

  test('a state-codec record { o, k, r } (a spool of an earlier version) reads as a unit', async () => {
    const d = dir();
    const s = await SnapshotSpool.create(d);
    await s.append({ o: { seq: 1 }, k: Uint8Array.of(0), r: [[1n, 'a']] });
    const u = await s.readUnit(0);
    assert.deepEqual([u.offsets, [...u.kinds], u.rows], [{ seq: 1 }, [0], [[1n, 'a']]]);
    await s.close();
    rmSync(join(d, '..'), { recursive: true, force: true });
  });

  test('a torn unit record is cut on open', async () => {
    const d = dir();
    const s = await SnapshotSpool.create(d);
    await s.appendUnits([{ offsets: { seq: 1 }, kinds: [0], rows: [[1, 'a']] }]);
    const good = statSync(s.path).size;
    await s.appendUnits([{ offsets: { seq: 2 }, kinds: [0, 0], rows: [[2, 'b'], [3, 'c']] }]);
    await s.close();
    truncateSync(s.path, statSync(s.path).size - 3);
    const t = await SnapshotSpool.openExisting(d);
    assert.equal(t?.count, 1);
    assert.equal(statSync(s.path).size, good);
    assert.deepEqual((await t!.readUnit(0)).rows, [[1, 'a']]);
    await t!.close();
    rmSync(join(d, '..'), { recursive: true, force: true });
  });
});
