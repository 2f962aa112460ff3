import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DELETE, INSERT } from '../../core/row-kind.js';
import { T } from '../../core/types.js';
import { JsonRowCodec } from '../../formats/json.js';
import { Log } from '../../log/log.js';
import type { KafkaLayout } from './common.js';
import { KafkaSource } from './source.js';

let dir: string;
let log: Log;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'strata-kafka-source-'));
  log = await Log.open(dir, { retentionCheckIntervalMs: 0, cleanerIntervalMs: 0 });
});
after(async () => {
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

const layout: KafkaLayout = {
  where: '`c`.`d`.`t`',
  width: 2,
  keyIndices: [0],
  key: new JsonRowCodec([{ name: 'id', type: T.int(), index: 0 }]),
  value: { kind: 'json', codec: new JsonRowCodec([{ name: 'id', type: T.int(), index: 0 }, { name: 'v', type: T.string(), index: 1 }]) },
};
const ctx = { jobName: 'test', signal: new AbortController().signal, log: () => {} };
const msg = (id: number, v: string | null): { key: Buffer; value: Buffer | null } => ({
  key: Buffer.from(`{"id":${id}}`),
  value: v === null ? null : Buffer.from(JSON.stringify({ id, v })),
});

test('upsert source: values are +I, tombstones -D of the key; offsets snapshot and restore per partition; max bounds a poll', async () => {
  log.createTopic('up', { partitions: 2 });
  await log.produce('up', 0, [msg(1, 'a'), msg(2, 'b'), msg(1, null)]);
  await log.produce('up', 1, [msg(5, 'e')]);
  const s = new KafkaSource(log, layout, { topics: ['up'], startup: 'earliest-offset', bounded: 'unbounded', upsert: true }, ctx);
  await s.open();
  const first = s.poll(2)!;
  assert.equal(first.length, 2);
  assert.deepEqual(first.kinds, [INSERT, INSERT]);
  assert.deepEqual(first.rows, [[1, 'a'], [2, 'b']]);
  const snap = s.snapshotOffsets();
  assert.deepEqual(snap, { up: { '0': 2, '1': 0 } });

  const s2 = new KafkaSource(log, layout, { topics: ['up'], startup: 'earliest-offset', bounded: 'unbounded', upsert: true }, ctx);
  s2.restoreOffsets(snap);
  await s2.open();
  const rest: string[] = [];
  for (let b = s2.poll(100); b !== null; b = s2.poll(100)) for (let i = 0; i < b.length; i++) rest.push(`${b.kinds[i]}:${JSON.stringify(b.rows[i])}`);
  assert.deepEqual(rest.sort(), [`${DELETE}:[1,null]`, `${INSERT}:[5,"e"]`].sort());
  assert.deepEqual(s2.snapshotOffsets(), { up: { '0': 3, '1': 1 } });
  // ready() resolves once new data arrives (no sleeps: the produce wakes it)
  const waiting = s2.ready();
  await log.produce('up', 1, [msg(6, 'f')]);
  await waiting;
  assert.deepEqual(s2.poll(10)?.rows, [[6, 'f']]);
  assert.throws(() => s2.restoreOffsets([1, 2]), /not Kafka offsets/);
  await s.close();
  await s2.close();
});
