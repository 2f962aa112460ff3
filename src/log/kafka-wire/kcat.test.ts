import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kcat, startBroker, type TestBroker } from './test-support.js';

/**
 * kcat (librdkafka 2.x) against the embedded broker: metadata, produce, consume, a
 * consumer group with committed offsets, keys and headers, a restart, and a damaged
 * batch. kcat is a Debian package (scripts/ensure-system-deps.mjs installs it).
 */

let broker: TestBroker;
/** Brokers a test starts itself: closed and their directories removed even when the test fails. */
const extra: TestBroker[] = [];
before(async () => {
  broker = await startBroker();
});
after(async () => {
  await broker.close();
  for (const b of extra) await b.close();
});

async function track(b: Promise<TestBroker>): Promise<TestBroker> {
  const x = await b;
  extra.push(x);
  return x;
}

const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '');

describe('kcat', () => {
  test('kcat -L lists the broker and the topics', async () => {
    broker.log.createTopic('listed', { partitions: 3 });
    const r = await kcat(['-b', broker.bootstrap, '-L']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`broker ${broker.log.nodeId} at 127\\.0\\.0\\.1:${broker.port}`));
    assert.match(r.stdout, /topic "listed" with 3 partitions/);
    assert.match(r.stdout, /partition 2, leader 1, replicas: 1, isrs: 1/);
  });

  test('kcat -P then -C -o beginning -e reads back every message, with keys and headers', async () => {
    const input = Array.from({ length: 200 }, (_, i) => `key${i}:value-${i}`).join('\n') + '\n';
    const p = await kcat(['-b', broker.bootstrap, '-P', '-t', 'kc', '-K', ':', '-H', 'source=kcat'], input);
    assert.equal(p.code, 0, p.stderr);
    const c = await kcat(['-b', broker.bootstrap, '-C', '-t', 'kc', '-o', 'beginning', '-e', '-f', '%o|%k|%s|%h\n']);
    assert.equal(c.code, 0, c.stderr);
    const got = lines(c.stdout);
    assert.equal(got.length, 200);
    got.forEach((l, i) => assert.equal(l, `${i}|key${i}|value-${i}|source=kcat`));
    // from an offset, and a count
    const part = await kcat(['-b', broker.bootstrap, '-C', '-t', 'kc', '-o', '150', '-c', '3', '-f', '%o %s\n']);
    assert.deepEqual(lines(part.stdout), ['150 value-150', '151 value-151', '152 value-152']);
  });

  test('kcat -G consumes as a group and resumes from the committed offsets', async () => {
    broker.log.createTopic('grp', { partitions: 2 });
    const first = Array.from({ length: 20 }, (_, i) => `a${i}`).join('\n') + '\n';
    assert.equal((await kcat(['-b', broker.bootstrap, '-P', '-t', 'grp'], first)).code, 0);
    const c1 = await kcat(['-b', broker.bootstrap, '-G', 'kgroup', '-o', 'beginning', '-e', '-f', '%s\n', 'grp']);
    assert.equal(c1.code, 0, c1.stderr);
    assert.deepEqual(lines(c1.stdout).sort(), Array.from({ length: 20 }, (_, i) => `a${i}`).sort());
    const second = Array.from({ length: 5 }, (_, i) => `b${i}`).join('\n') + '\n';
    assert.equal((await kcat(['-b', broker.bootstrap, '-P', '-t', 'grp'], second)).code, 0);
    // no -o: the group's committed offsets decide where to start (a partition that got none
    // of the first messages has no committed offset: it starts from the earliest)
    const c2 = await kcat(['-b', broker.bootstrap, '-G', 'kgroup', '-X', 'auto.offset.reset=earliest', '-e', '-f', '%s\n', 'grp']);
    assert.equal(c2.code, 0, c2.stderr);
    assert.deepEqual(lines(c2.stdout).sort(), ['b0', 'b1', 'b2', 'b3', 'b4']);
    assert.equal(broker.server.groups.describe('kgroup').state, 'Empty', 'kcat left the group');
    assert.ok(broker.server.groups.describe('kgroup').generationId >= 4, 'two joins and two leaves');
  });

  test('messages survive a broker restart; a damaged batch is not served to kcat', async () => {
    const b = await track(startBroker());
    const input = ['one', 'two', 'three'];
    for (const v of input) assert.equal((await kcat(['-b', b.bootstrap, '-P', '-t', 'dur'], v + '\n')).code, 0);
    const firstSize = b.log.read('dur', 0, 0, 1).records.length;
    await b.stop();
    const b2 = await track(startBroker({ dir: b.dir }));
    const again = await kcat(['-b', b2.bootstrap, '-C', '-t', 'dur', '-o', 'beginning', '-e', '-f', '%s\n']);
    assert.deepEqual(lines(again.stdout), input);
    await b2.stop();
    const pdir = join(b.dir, 'topics', 'dur', '0');
    const file = join(pdir, readdirSync(pdir).find((n) => n.endsWith('.log'))!);
    const bytes = readFileSync(file);
    bytes[firstSize + 64]! ^= 0x01;
    writeFileSync(file, bytes);
    const b3 = await track(startBroker({ dir: b.dir }));
    // librdkafka retries a CORRUPT_MESSAGE partition forever: stop kcat once the broker refused the batch
    const r = await kcat(['-b', b3.bootstrap, '-u', '-C', '-t', 'dur', '-o', 'beginning', '-e', '-f', '%s\n'], undefined, 60_000, (out) => out.includes('one') && b3.lines.some((l) => l.includes('damaged')));
    const out = lines(r.stdout);
    assert.deepEqual(out, ['one'], 'only the batch before the damaged one is delivered');
    assert.ok(!out.includes('two'));
    assert.ok(b3.lines.some((l) => l.includes('damaged')));
    await b3.close();
  });
});
