import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStrataError } from '../core/errors.js';
import { kafkaErrorOf } from './errors.js';
import { Log, type LogOptions } from './log.js';
import { buildRecordBatch, readBatchHeader, type ProducerRecord } from './record-batch.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'strata-log-'));
  dirs.push(d);
  return d;
}

const QUIET: LogOptions = { retentionCheckIntervalMs: 0, cleanerIntervalMs: 0 };
const b = (s: string): Buffer => Buffer.from(s, 'utf8');
const str = (u: Uint8Array | null): string | null => (u === null ? null : Buffer.from(u).toString('utf8'));
const rec = (key: string | null, value: string | null, timestamp?: number): ProducerRecord => ({
  key: key === null ? null : b(key),
  value: value === null ? null : b(value),
  ...(timestamp !== undefined ? { timestamp } : {}),
});

function values(log: Log, topic: string, partition = 0, from?: number): string[] {
  const out: string[] = [];
  let off = from ?? log.earliestOffset(topic, partition);
  for (;;) {
    const r = log.consume(topic, partition, off);
    for (const x of r.records) out.push(`${x.offset}:${str(x.key)}=${str(x.value)}`);
    if (r.nextOffset === off) break;
    off = r.nextOffset;
  }
  return out;
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return null;
}

async function rejected(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  return null;
}

function partDir(dir: string, topic: string, partition = 0): string {
  return join(dir, 'topics', topic, String(partition));
}

function logFiles(dir: string, topic: string, partition = 0): string[] {
  return readdirSync(partDir(dir, topic, partition))
    .filter((n) => n.endsWith('.log'))
    .sort();
}

describe('Log: topics and data', () => {
  test('create, produce, consume, offsets, auto-create on first write', async () => {
    const dir = tempDir();
    const log = await Log.open(dir, QUIET);
    const info = log.createTopic('orders', { partitions: 3, config: { retentionMs: 1000 } });
    assert.equal(info.partitions, 3);
    assert.match(info.id, /^[0-9a-f]{32}$/);
    assert.deepEqual(info.explicitConfigs, ['retention.ms']);
    const r1 = await log.produce('orders', 1, [rec('a', '1'), rec('b', '2')]);
    assert.deepEqual([r1.baseOffset, r1.lastOffset, r1.duplicate], [0, 1, false]);
    const r2 = await log.append('orders', 1, [rec('c', '3')]);
    assert.equal(r2.baseOffset, 2);
    assert.deepEqual(values(log, 'orders', 1), ['0:a=1', '1:b=2', '2:c=3']);
    assert.equal(log.latestOffset('orders', 1), 3);
    assert.equal(log.earliestOffset('orders', 1), 0);
    assert.equal(log.latestOffset('orders', 0), 0);
    // consuming from inside a batch leaves out the earlier records
    assert.deepEqual(values(log, 'orders', 1, 1), ['1:b=2', '2:c=3']);
    // the stored batch is served whole, its baseOffset rewritten
    const raw = log.read('orders', 1, 1, 1 << 20).records;
    assert.equal(readBatchHeader(raw, 0).baseOffset, 0);
    // auto-create
    await log.produce('fresh', 0, [rec(null, 'x')]);
    assert.equal(log.topic('fresh')?.partitions, 1);
    assert.equal(kafkaErrorOf(thrown(() => log.createTopic('orders'))), 'TOPIC_ALREADY_EXISTS');
    assert.equal(kafkaErrorOf(thrown(() => log.createTopic('bad/name'))), 'INVALID_TOPIC_EXCEPTION');
    assert.equal(kafkaErrorOf(thrown(() => log.createTopic('zero', { partitions: 0 }))), 'INVALID_PARTITIONS');
    assert.equal(kafkaErrorOf(thrown(() => log.createTopic('cfg', { kafkaConfigs: { 'no.such.config': '1' } }))), 'INVALID_CONFIG');
    assert.equal(kafkaErrorOf(thrown(() => log.read('orders', 1, 99, 100))), 'OFFSET_OUT_OF_RANGE');
    assert.equal(kafkaErrorOf(thrown(() => log.read('nope', 0, 0, 100))), 'UNKNOWN_TOPIC_OR_PARTITION');
    assert.deepEqual(
      log.listTopics().map((t) => t.name),
      ['fresh', 'orders'],
    );
    await log.deleteTopic('fresh');
    assert.equal(log.topic('fresh'), null);
    assert.equal(existsSync(join(dir, 'topics', 'fresh')), false);
    await log.close();
  });

  test('without auto-create, writing to an unknown topic fails', async () => {
    const log = await Log.open(tempDir(), { ...QUIET, autoCreateTopics: false });
    const e = await rejected(log.produce('nope', 0, [rec(null, 'x')]));
    assert.equal(kafkaErrorOf(e), 'UNKNOWN_TOPIC_OR_PARTITION');
    assert.ok(isStrataError(e) && e.message.includes("'nope'"));
    await log.close();
  });

  test('checks batches like a broker: CRC, size, null keys on compacted topics', async () => {
    const log = await Log.open(tempDir(), QUIET);
    log.createTopic('t', { config: { maxMessageBytes: 200 } });
    log.createTopic('c', { config: { cleanupPolicy: 'compact' } });
    const bad = buildRecordBatch([rec('k', 'v')]);
    bad[bad.length - 1]! ^= 0xff;
    assert.equal(kafkaErrorOf(await rejected(log.append('t', 0, bad))), 'CORRUPT_MESSAGE');
    assert.equal(kafkaErrorOf(await rejected(log.produce('t', 0, [rec('k', 'v'.repeat(300))]))), 'MESSAGE_TOO_LARGE');
    assert.equal(kafkaErrorOf(await rejected(log.produce('c', 0, [rec(null, 'v')]))), 'INVALID_RECORD');
    assert.equal(kafkaErrorOf(await rejected(log.append('t', 0, Buffer.from([1, 2, 3])))), 'CORRUPT_MESSAGE');
    assert.equal(log.latestOffset('t', 0), 0);
    await log.produce('c', 0, [rec('k', 'v')]);
    assert.equal(log.latestOffset('c', 0), 1);
    await log.close();
  });

  test('LogAppendTime topics stamp the batch and keep a valid CRC', async () => {
    const log = await Log.open(tempDir(), QUIET);
    log.createTopic('lat', { kafkaConfigs: { 'message.timestamp.type': 'LogAppendTime' } });
    const r = await log.produce('lat', 0, [rec('k', 'v', 1000), rec('k', 'w', 2000)]);
    assert.ok(r.logAppendTime > 1000);
    const got = log.consume('lat', 0, 0).records;
    assert.deepEqual(
      got.map((x) => x.timestamp),
      [r.logAppendTime, r.logAppendTime],
    );
    await log.close();
  });

  test('offsetForTimestamp finds the first record at or after a time', async () => {
    const log = await Log.open(tempDir(), QUIET);
    await log.produce('ts', 0, [rec('a', '1', 1000), rec('b', '2', 2000)]);
    await log.produce('ts', 0, [rec('c', '3', 3000)]);
    assert.deepEqual(log.offsetForTimestamp('ts', 0, 1500), { offset: 1, timestamp: 2000 });
    assert.deepEqual(log.offsetForTimestamp('ts', 0, 3000), { offset: 2, timestamp: 3000 });
    assert.deepEqual(log.offsetForTimestamp('ts', 0, 0), { offset: 0, timestamp: 1000 });
    assert.equal(log.offsetForTimestamp('ts', 0, 3001), null);
    assert.deepEqual(log.partition('ts', 0).maxTimestampOffset(), { offset: 2, timestamp: 3000 });
    // old producer timestamps do not roll a segment per batch (segment.ms counts from creation)
    assert.equal(log.partition('ts', 0).segmentCount, 1);
    await log.close();
  });

  test('waitForData wakes on new data, times out, and honours abort', async () => {
    const log = await Log.open(tempDir(), QUIET);
    log.createTopic('w');
    const waiting = log.waitForData('w', 0, 0, 60_000);
    await log.produce('w', 0, [rec(null, 'x')]);
    assert.equal(await waiting, true);
    assert.equal(await log.waitForData('w', 0, 0, 60_000), true);
    assert.equal(await log.waitForData('w', 0, 1, 5), false);
    const ac = new AbortController();
    const aborted = log.waitForData('w', 0, 1, 60_000, ac.signal);
    ac.abort();
    assert.equal(await aborted, false);
    const any = log.waitForAny(
      [
        { topic: 'w', partition: 0, offset: 1 },
        { topic: 'missing', partition: 0, offset: 0 },
      ],
      60_000,
    );
    await log.produce('w', 0, [rec(null, 'y')]);
    assert.equal(await any, true);
    await log.close();
  });
});

describe('Log: durability', () => {
  test('a restart keeps every acknowledged message (clean close and crash)', async () => {
    const dir = tempDir();
    const log = await Log.open(dir, { ...QUIET, defaultTopicConfig: { segmentBytes: 600 } });
    log.createTopic('d', { partitions: 2 });
    const expected: string[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await log.produce('d', 0, [rec(`k${i}`, `v${i}`)]);
      expected.push(`${r.baseOffset}:k${i}=v${i}`);
    }
    assert.ok(logFiles(dir, 'd').length > 3, 'several segments');
    await log.close();
    const again = await Log.open(dir, QUIET);
    assert.deepEqual(values(again, 'd'), expected);
    assert.equal(again.latestOffset('d', 0), 40);
    // "crash": no close; a second instance opens the same directory
    const r = await again.produce('d', 0, [rec('k40', 'v40')]);
    expected.push(`${r.baseOffset}:k40=v40`);
    const third = await Log.open(dir, QUIET);
    assert.deepEqual(values(third, 'd'), expected);
    assert.equal(third.topic('d')?.partitions, 2);
    await third.close();
  });

  test('a torn tail is cut off at open: a partial batch, then a complete batch with a bad CRC', async () => {
    const dir = tempDir();
    const log = await Log.open(dir, QUIET);
    for (let i = 0; i < 5; i++) await log.produce('torn', 0, [rec(`k${i}`, `v${i}`)]);
    await log.close();
    const file = join(partDir(dir, 'torn'), logFiles(dir, 'torn')[0]!);
    const sizeBefore = statSync(file).size;
    const next = buildRecordBatch([rec('k5', 'v5')], { baseOffset: 5 });
    appendFileSync(file, next.subarray(0, 30));
    const lines: string[] = [];
    const a = await Log.open(dir, { ...QUIET, log: (l) => lines.push(l) });
    assert.equal(statSync(file).size, sizeBefore);
    assert.ok(lines.some((l) => l.includes('torn tail')));
    assert.equal(a.latestOffset('torn', 0), 5);
    assert.equal(values(a, 'torn').length, 5);
    await a.close();
    // a whole batch whose bytes did not all reach the disk (zeros at the end)
    const damaged = Buffer.from(next);
    damaged.fill(0, damaged.length - 10);
    appendFileSync(file, damaged);
    const c = await Log.open(dir, QUIET);
    assert.equal(statSync(file).size, sizeBefore);
    assert.equal(c.latestOffset('torn', 0), 5);
    const r = await c.produce('torn', 0, [rec('k5', 'v5')]);
    assert.equal(r.baseOffset, 5);
    assert.equal(values(c, 'torn').at(-1), '5:k5=v5');
    await c.close();
  });

  test('a damaged byte in the middle of a segment is detected and never served', async () => {
    const dir = tempDir();
    const log = await Log.open(dir, QUIET);
    await log.produce('crc', 0, [rec('a', 'first')]);
    await log.produce('crc', 0, [rec('b', 'second-batch-value')]);
    await log.produce('crc', 0, [rec('c', 'third')]);
    const firstSize = log.read('crc', 0, 0, 1).records.length;
    await log.close();
    const file = join(partDir(dir, 'crc'), logFiles(dir, 'crc')[0]!);
    const bytes = readFileSync(file);
    bytes[firstSize + 70]! ^= 0x04; // inside the second batch's record
    writeFileSync(file, bytes);
    const again = await Log.open(dir, QUIET);
    // served up to the damaged batch
    assert.deepEqual(
      again.consume('crc', 0, 0).records.map((r) => str(r.value)),
      ['first'],
    );
    const e = thrown(() => again.consume('crc', 0, 1));
    assert.equal(kafkaErrorOf(e), 'CORRUPT_MESSAGE');
    assert.ok(isStrataError(e));
    assert.equal(e.code, 'CONNECTOR_DATA');
    assert.match(e.message, /topic 'crc' partition 0: the record batch at offset 1 .* is damaged/);
    assert.match(e.message, /seek to a later offset/);
    assert.deepEqual(
      again.consume('crc', 0, 2).records.map((r) => str(r.value)),
      ['third'],
    );
    await again.close();
  });
});

describe('Log: retention and compaction', () => {
  test('retention by size deletes whole old segments and moves the log start', async () => {
    const dir = tempDir();
    const log = await Log.open(dir, { ...QUIET, defaultTopicConfig: { segmentBytes: 500, retentionBytes: 1200 } });
    for (let i = 0; i < 30; i++) await log.produce('r', 0, [rec(`k${i}`, 'x'.repeat(40))]);
    const before = logFiles(dir, 'r').length;
    const deleted = await log.enforceRetention();
    assert.ok(deleted > 0);
    assert.equal(logFiles(dir, 'r').length, before - deleted);
    const p = log.partition('r', 0);
    assert.ok(p.sizeInBytes <= 1200 + 500);
    const start = log.earliestOffset('r', 0);
    assert.ok(start > 0);
    assert.equal(start, p.segmentBaseOffsets[0]);
    assert.equal(kafkaErrorOf(thrown(() => log.read('r', 0, 0, 100))), 'OFFSET_OUT_OF_RANGE');
    assert.equal(values(log, 'r').length, 30 - start);
    await log.close();
    const again = await Log.open(dir, QUIET);
    assert.equal(again.earliestOffset('r', 0), start);
    await again.close();
  });

  test('retention by time deletes segments whose newest record is too old; never the active one', async () => {
    const dir = tempDir();
    const log = await Log.open(dir, { ...QUIET, defaultTopicConfig: { segmentBytes: 300, retentionMs: 60_000 } });
    const now = Date.now();
    for (let i = 0; i < 10; i++) await log.produce('old', 0, [rec(`k${i}`, 'x'.repeat(50), now - 3_600_000)]);
    for (let i = 0; i < 3; i++) await log.produce('old', 0, [rec(`n${i}`, 'x'.repeat(50), now)]);
    await log.enforceRetention(now);
    const left = values(log, 'old');
    assert.ok(left.every((l) => l.includes(':n') || l.includes(':k9')), left.join(' '));
    assert.ok(left.some((l) => l.includes(':n2')));
    // everything expired: the active segment stays
    await log.enforceRetention(now + 3_600_000);
    assert.equal(log.partition('old', 0).segmentCount, 1);
    await log.close();
  });

  test('compaction keeps the latest value per key and the tombstones, with offsets unchanged', async () => {
    const dir = tempDir();
    const log = await Log.open(dir, QUIET);
    log.createTopic('cmp', { config: { cleanupPolicy: 'compact', segmentBytes: 400 } });
    const latest = new Map<string, string>();
    for (let round = 0; round < 6; round++) {
      for (let k = 0; k < 5; k++) {
        const isTomb = round === 4 && k === 2;
        const v = isTomb ? null : `r${round}k${k}`;
        const r = await log.produce('cmp', 0, [rec(`key${k}`, v)]);
        latest.set(`key${k}`, `${r.baseOffset}:key${k}=${v}`);
      }
    }
    // key2's tombstone at round 4, then key2 written again at round 5; add a final tombstone for key4
    const t = await log.produce('cmp', 0, [rec('key4', null)]);
    latest.set('key4', `${t.baseOffset}:key4=null`);
    for (let i = 0; i < 6; i++) await log.produce('cmp', 0, [rec(`pad${i}`, 'p')]); // roll past the tombstone
    for (let i = 0; i < 6; i++) latest.set(`pad${i}`, '');
    const before = values(log, 'cmp');
    const activeBase = log.partition('cmp', 0).segmentBaseOffsets.at(-1)!;
    const stats = await log.compact('cmp');
    assert.ok(stats.recordsRemoved > 0);
    const after = values(log, 'cmp');
    // every survivor is an original record at its original offset
    for (const line of after) assert.ok(before.includes(line), line);
    // sealed part: only the latest per key
    const sealed = after.filter((l) => Number(l.split(':')[0]) < activeBase);
    const keysSeen = new Map<string, number>();
    for (const l of sealed) {
      const key = l.split(':')[1]!.split('=')[0]!;
      keysSeen.set(key, (keysSeen.get(key) ?? 0) + 1);
    }
    for (const [k, n] of keysSeen) assert.equal(n, 1, `key ${k} appears ${n} times after compaction`);
    for (const k of ['key0', 'key1', 'key2', 'key3']) assert.ok(after.includes(latest.get(k)!), k);
    assert.ok(after.includes(latest.get('key4')!), 'the tombstone is kept');
    assert.ok(after.length < before.length);
    await log.close();
    const again = await Log.open(dir, QUIET);
    assert.deepEqual(values(again, 'cmp'), after);
    // tombstones go once older than delete.retention.ms
    await again.compact('cmp', Date.now() + 2 * 24 * 3600 * 1000);
    assert.ok(!values(again, 'cmp').includes(latest.get('key4')!));
    await again.close();
  });
});

describe('Log: idempotent producers', () => {
  test('a retried batch is acknowledged with its first offsets and not written twice, across restarts', async () => {
    const dir = tempDir();
    const log = await Log.open(dir, QUIET);
    const { producerId, producerEpoch } = log.initProducerId();
    const second = log.initProducerId();
    assert.notEqual(second.producerId, producerId);
    const send = (l: Log, seq: number, v: string): Promise<import('./partition.js').AppendResult> =>
      l.produce('idem', 0, [rec('k', v)], { producerId, producerEpoch, baseSequence: seq });
    const a = await send(log, 0, 'a');
    const b1 = await send(log, 1, 'b');
    const retry = await send(log, 1, 'b');
    assert.deepEqual([retry.baseOffset, retry.duplicate], [b1.baseOffset, true]);
    assert.equal(log.latestOffset('idem', 0), 2);
    assert.equal(kafkaErrorOf(await rejected(send(log, 5, 'gap'))), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    assert.equal(kafkaErrorOf(await rejected(log.produce('idem', 0, [rec('k', 'x')], { producerId, producerEpoch: -1 + producerEpoch, baseSequence: 2 }))), 'INVALID_PRODUCER_EPOCH');
    await log.close();
    // clean restart: the snapshot
    const l2 = await Log.open(dir, QUIET);
    const r2 = await send(l2, 1, 'b');
    assert.deepEqual([r2.baseOffset, r2.duplicate], [b1.baseOffset, true]);
    const c = await send(l2, 2, 'c');
    assert.equal(c.baseOffset, 2);
    // crash: no close, no new snapshot; state is replayed from batch headers
    const l3 = await Log.open(dir, QUIET);
    const r3 = await send(l3, 2, 'c');
    assert.deepEqual([r3.baseOffset, r3.duplicate], [2, true]);
    assert.deepEqual(
      values(l3, 'idem').map((l) => l.split('=')[1]),
      ['a', 'b', 'c'],
    );
    assert.equal(a.baseOffset, 0);
    // producer ids stay unique across restarts
    assert.ok(l3.initProducerId().producerId > second.producerId);
    await l3.close();
  });
});
