import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRecordBatch, decodeRecords } from '../record-batch.js';
import { Writer } from './codec.js';
import { ErrorCode } from './error-codes.js';
import { API_VERSIONS, CREATE_TOPICS, DELETE_TOPICS, DESCRIBE_CONFIGS, FETCH, FIND_COORDINATOR, INIT_PRODUCER_ID, LIST_OFFSETS, METADATA, OFFSET_COMMIT, OFFSET_FETCH, PRODUCE } from './messages.js';
import { RawClient, startBroker, type TestBroker } from './test-support.js';

type Obj = Record<string, unknown>;
const arr = (o: unknown, k: string): Obj[] => (o as Obj)[k] as Obj[];

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

function produceBody(topic: string, partition: number, records: Buffer, acks = -1): Obj {
  return { transactionalId: null, acks, timeoutMs: 30000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] };
}

function fetchBody(topic: string, partition: number, offset: number, opts: { maxWaitMs?: number; minBytes?: number; topicId?: string } = {}): Obj {
  return {
    replicaId: -1,
    maxWaitMs: opts.maxWaitMs ?? 0,
    minBytes: opts.minBytes ?? 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, topicId: opts.topicId ?? '0'.repeat(32), partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [],
    rackId: '',
  };
}

const partitionOf = (resp: Obj | null, topicsKey = 'responses', partsKey = 'partitions'): Obj => arr(arr(resp, topicsKey)[0], partsKey)[0]!;

describe('Kafka wire: ApiVersions and versions', () => {
  test('every ApiVersions version answers; a newer one gets UNSUPPORTED_VERSION in the v0 layout', async () => {
    const c = await RawClient.connect(broker.port);
    for (const v of [0, 1, 2, 3]) {
      const r = await c.request(API_VERSIONS, v, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
      assert.equal(r?.['errorCode'], 0);
      const keys = arr(r, 'apiKeys').map((k) => k['apiKey']);
      for (const k of [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 18, 19, 20, 22, 32]) assert.ok(keys.includes(k), `api ${k} advertised`);
    }
    // v7 is newer than ours: the answer is in the v0 layout (no throttle time, no tags)
    const w = new Writer();
    w.int16(18).int16(7).int32(99).string('future-client').uvarint(0).compactString('x').compactString('1').uvarint(0);
    c.sendRaw(w.toBuffer());
    const frame = (await c.nextFrame())!;
    assert.equal(frame.readInt32BE(0), 99);
    assert.equal(frame.readInt16BE(4), ErrorCode.UNSUPPORTED_VERSION);
    assert.equal(frame.readInt32BE(6), 1);
    assert.deepEqual([frame.readInt16BE(10), frame.readInt16BE(12), frame.readInt16BE(14)], [18, 0, 3]);
    assert.equal(frame.length, 16);
    c.close();
  });

  test('an API or version that is not served closes only that connection', async () => {
    const bad = await RawClient.connect(broker.port);
    const w = new Writer();
    w.int16(57).int16(0).int32(1).string('x'); // UpdateFeatures: not served
    bad.sendRaw(w.toBuffer());
    assert.equal(await bad.nextFrame(), null);
    const bad2 = await RawClient.connect(broker.port);
    const w2 = new Writer();
    w2.int16(0).int16(2).int32(1).string('old-producer'); // Produce v2: below our range
    bad2.sendRaw(w2.toBuffer());
    assert.equal(await bad2.nextFrame(), null);
    const malformed = await RawClient.connect(broker.port);
    const w3 = new Writer();
    w3.int16(3).int16(1).int32(5).string('x').int32(1000); // Metadata v1 claiming 1000 topics with no bytes
    malformed.sendRaw(w3.toBuffer());
    assert.equal(await malformed.nextFrame(), null);
    const huge = await RawClient.connect(broker.port);
    huge.sendRaw(Buffer.from([0x7f, 0xff, 0xff, 0xff]));
    assert.equal(await huge.nextFrame(), null);
    // the server still serves others
    const good = await RawClient.connect(broker.port);
    const r = await good.request(METADATA, 1, { topics: [] });
    assert.ok(Array.isArray(r?.['brokers']));
    good.close();
    assert.ok(broker.lines.some((l) => l.includes('API key 57 is not served')));
    assert.ok(broker.lines.some((l) => l.includes('Produce v2 is not served')));
    assert.ok(broker.lines.some((l) => l.includes('malformed Kafka request')));
  });
});

describe('Kafka wire: topics and metadata', () => {
  test('Metadata auto-creates, CreateTopics/DeleteTopics/DescribeConfigs answer with Kafka error codes', async () => {
    const c = await RawClient.connect(broker.port);
    const md = await c.request(METADATA, 12, { topics: [{ topicId: '0'.repeat(32), name: 'auto-md' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    const t = arr(md, 'topics')[0]!;
    assert.equal(t['errorCode'], 0);
    assert.match(t['topicId'] as string, /^[0-9a-f]{32}$/);
    assert.equal(arr(t, 'partitions').length, 1);
    assert.equal(arr(md, 'brokers')[0]!['port'], broker.port);
    const noAuto = await c.request(METADATA, 9, { topics: [{ name: 'not-created' }], allowAutoTopicCreation: false });
    assert.equal(arr(noAuto, 'topics')[0]!['errorCode'], ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const badName = await c.request(METADATA, 4, { topics: [{ name: 'bad name!' }], allowAutoTopicCreation: true });
    assert.equal(arr(badName, 'topics')[0]!['errorCode'], ErrorCode.INVALID_TOPIC_EXCEPTION);

    const ct = await c.request(CREATE_TOPICS, 7, {
      topics: [
        { name: 'made', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [{ name: 'cleanup.policy', value: 'compact' }] },
        { name: 'made', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'rf3', numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] },
        { name: 'badcfg', numPartitions: 1, replicationFactor: -1, assignments: [], configs: [{ name: 'no.such', value: '1' }] },
        { name: 'auto-md', numPartitions: 1, replicationFactor: -1, assignments: [], configs: [] },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    assert.deepEqual(
      arr(ct, 'topics').map((x) => x['errorCode']),
      [0, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REPLICATION_FACTOR, ErrorCode.INVALID_CONFIG, ErrorCode.TOPIC_ALREADY_EXISTS],
    );
    assert.equal(arr(ct, 'topics')[0]!['numPartitions'], 3);
    assert.equal(broker.log.topic('made')?.config.cleanupPolicy, 'compact');

    const dc = await c.request(DESCRIBE_CONFIGS, 4, {
      resources: [
        { resourceType: 2, resourceName: 'made', configurationKeys: ['cleanup.policy', 'retention.ms'] },
        { resourceType: 2, resourceName: 'nope', configurationKeys: null },
        { resourceType: 4, resourceName: String(broker.log.nodeId), configurationKeys: null },
      ],
      includeSynonyms: false,
      includeDocumentation: true,
    });
    const [made, nope, node] = arr(dc, 'results');
    assert.deepEqual(
      arr(made, 'configs').map((x) => [x['name'], x['value'], x['configSource']]),
      [
        ['cleanup.policy', 'compact', 1],
        ['retention.ms', '604800000', 5],
      ],
    );
    assert.equal(nope!['errorCode'], ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assert.ok(arr(node, 'configs').some((x) => x['name'] === 'num.partitions'));

    const del = await c.request(DELETE_TOPICS, 6, { topics: [{ name: 'made', topicId: '0'.repeat(32) }, { name: 'never', topicId: '0'.repeat(32) }], timeoutMs: 1000 });
    assert.deepEqual(
      arr(del, 'responses').map((x) => x['errorCode']),
      [0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    );
    assert.equal(broker.log.topic('made'), null);
    const del1 = await c.request(DELETE_TOPICS, 1, { topicNames: ['__consumer_offsets'], timeoutMs: 1000 });
    assert.equal(arr(del1, 'responses')[0]!['errorCode'], ErrorCode.INVALID_REQUEST);
    const fc = await c.request(FIND_COORDINATOR, 4, { keyType: 0, coordinatorKeys: ['g1', 'g2'] });
    assert.deepEqual(
      arr(fc, 'coordinators').map((x) => [x['key'], x['errorCode'], x['port']]),
      [
        ['g1', 0, broker.port],
        ['g2', 0, broker.port],
      ],
    );
    c.close();
  });
});

describe('Kafka wire: produce and fetch', () => {
  test('produce, fetch (v4, v11, v12 by name; v17 by topic id), list offsets', async () => {
    const c = await RawClient.connect(broker.port);
    broker.log.createTopic('pf', { partitions: 2 });
    const id = broker.log.topic('pf')!.id;
    for (const v of [3, 7, 9]) {
      const r = await c.request(PRODUCE, v, produceBody('pf', 1, buildRecordBatch([{ key: Buffer.from(`k${v}`), value: Buffer.from(`v${v}`), timestamp: 1000 + v }])));
      assert.equal(partitionOf(r, 'responses', 'partitionResponses')['errorCode'], 0, `Produce v${v}`);
    }
    for (const v of [4, 11, 12, 13, 17]) {
      const r = await c.request(FETCH, v, fetchBody('pf', 1, 1, { topicId: id }));
      const p = partitionOf(r);
      assert.equal(p['errorCode'], 0, `Fetch v${v}`);
      assert.equal(p['highWatermark'], 3);
      assert.deepEqual(
        decodeRecords(p['records'] as Buffer).map((x) => Buffer.from(x.value!).toString()),
        ['v7', 'v9'],
      );
    }
    const unknownId = await c.request(FETCH, 17, fetchBody('pf', 1, 0, { topicId: 'ab'.repeat(16) }));
    assert.equal(partitionOf(unknownId)['errorCode'], ErrorCode.UNKNOWN_TOPIC_ID);
    const outOfRange = await c.request(FETCH, 11, fetchBody('pf', 1, 50));
    assert.equal(partitionOf(outOfRange)['errorCode'], ErrorCode.OFFSET_OUT_OF_RANGE);
    const lo = await c.request(LIST_OFFSETS, 7, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: 'pf', partitions: [-2, -1, -3, 1008, 5000].map((timestamp) => ({ partitionIndex: 1, currentLeaderEpoch: -1, timestamp })) }],
    });
    assert.deepEqual(
      arr(arr(lo, 'topics')[0], 'partitions').map((p) => [p['offset'], p['timestamp']]),
      [
        [0, -1],
        [3, -1],
        [2, 1009],
        [2, 1009],
        [-1, -1],
      ],
    );
    c.close();
  });

  test('a long-polling Fetch returns when data arrives; acks=0 gets no response', async () => {
    const poller = await RawClient.connect(broker.port);
    broker.log.createTopic('lp');
    const pending = poller.request(FETCH, 12, fetchBody('lp', 0, 0, { maxWaitMs: 60_000, minBytes: 1 }));
    const producer = await RawClient.connect(broker.port);
    // acks=0: no response; the next request's response is the next frame
    producer.sendRaw(producer.encode(PRODUCE, 9, produceBody('lp', 0, buildRecordBatch([{ key: null, value: Buffer.from('wake') }]), 0)));
    const md = await producer.request(METADATA, 1, { topics: [{ name: 'lp' }] });
    assert.equal(arr(md, 'topics')[0]!['name'], 'lp');
    const r = await pending;
    const p = partitionOf(r);
    assert.equal(p['errorCode'], 0);
    assert.deepEqual(
      decodeRecords(p['records'] as Buffer).map((x) => Buffer.from(x.value!).toString()),
      ['wake'],
    );
    poller.close();
    producer.close();
  });

  test('idempotence at the protocol level: the same Produce twice is appended once', async () => {
    const c = await RawClient.connect(broker.port);
    const init = await c.request(INIT_PRODUCER_ID, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
    assert.equal(init?.['errorCode'], 0);
    const producerId = init!['producerId'] as number;
    const producerEpoch = init!['producerEpoch'] as number;
    const batch = (seq: number, v: string): Buffer => buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from(v) }], { producerId, producerEpoch, baseSequence: seq });
    const first = await c.request(PRODUCE, 9, produceBody('idem', 0, batch(0, 'a')));
    const again = await c.request(PRODUCE, 9, produceBody('idem', 0, batch(0, 'a')));
    const p1 = partitionOf(first, 'responses', 'partitionResponses');
    const p2 = partitionOf(again, 'responses', 'partitionResponses');
    assert.deepEqual([p1['errorCode'], p2['errorCode']], [0, 0]);
    assert.equal(p2['baseOffset'], p1['baseOffset']);
    const gap = await c.request(PRODUCE, 9, produceBody('idem', 0, batch(5, 'gap')));
    assert.equal(partitionOf(gap, 'responses', 'partitionResponses')['errorCode'], ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    const next = await c.request(PRODUCE, 9, produceBody('idem', 0, batch(1, 'b')));
    assert.equal(partitionOf(next, 'responses', 'partitionResponses')['baseOffset'], 1);
    assert.equal(broker.log.latestOffset('idem', 0), 2);
    const internal = await c.request(PRODUCE, 9, produceBody('__consumer_offsets', 0, buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v') }])));
    assert.equal(partitionOf(internal, 'responses', 'partitionResponses')['errorCode'], ErrorCode.INVALID_TOPIC_EXCEPTION);
    const tx = await c.request(INIT_PRODUCER_ID, 4, { transactionalId: 'tx-1', transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
    assert.equal(tx?.['errorCode'], ErrorCode.INVALID_REQUEST);
    c.close();
  });

  test('a damaged batch is answered CORRUPT_MESSAGE and never served; a restart keeps acknowledged data', async () => {
    const b = await track(startBroker());
    const c = await RawClient.connect(b.port);
    for (const v of ['one', 'two-two-two', 'three']) await c.request(PRODUCE, 7, produceBody('dmg', 0, buildRecordBatch([{ key: null, value: Buffer.from(v) }])));
    const firstSize = b.log.read('dmg', 0, 0, 1).records.length;
    c.close();
    await b.stop();
    const pdir = join(b.dir, 'topics', 'dmg', '0');
    const file = join(pdir, readdirSync(pdir).find((n) => n.endsWith('.log'))!);
    const bytes = readFileSync(file);
    bytes[firstSize + 66]! ^= 0x10;
    writeFileSync(file, bytes);
    const b2 = await track(startBroker({ dir: b.dir }));
    const c2 = await RawClient.connect(b2.port);
    const ok = await c2.request(FETCH, 11, fetchBody('dmg', 0, 0));
    assert.deepEqual(
      decodeRecords(partitionOf(ok)['records'] as Buffer).map((x) => Buffer.from(x.value!).toString()),
      ['one'],
    );
    const bad = await c2.request(FETCH, 11, fetchBody('dmg', 0, 1));
    assert.equal(partitionOf(bad)['errorCode'], ErrorCode.CORRUPT_MESSAGE);
    assert.ok(b2.lines.some((l) => l.includes('offset 1') && l.includes('damaged')));
    const after = await c2.request(FETCH, 11, fetchBody('dmg', 0, 2));
    assert.deepEqual(
      decodeRecords(partitionOf(after)['records'] as Buffer).map((x) => Buffer.from(x.value!).toString()),
      ['three'],
    );
    c2.close();
    await b2.close();
  });

  test('offsets commit and fetch survive a restart', async () => {
    const b = await track(startBroker());
    b.log.createTopic('oc', { partitions: 2 });
    const c = await RawClient.connect(b.port);
    const commit = await c.request(OFFSET_COMMIT, 8, {
      groupId: 'standalone',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        {
          name: 'oc',
          partitions: [
            { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: -1, committedMetadata: 'meta' },
            { partitionIndex: 7, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null },
          ],
        },
      ],
    });
    assert.deepEqual(
      arr(arr(commit, 'topics')[0], 'partitions').map((p) => p['errorCode']),
      [0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    );
    c.close();
    await b.stop();
    const b2 = await track(startBroker({ dir: b.dir }));
    const c2 = await RawClient.connect(b2.port);
    const f4 = await c2.request(OFFSET_FETCH, 4, { groupId: 'standalone', topics: [{ name: 'oc', partitionIndexes: [0, 1] }] });
    assert.deepEqual(
      arr(arr(f4, 'topics')[0], 'partitions').map((p) => [p['committedOffset'], p['metadata']]),
      [
        [42, 'meta'],
        [-1, ''],
      ],
    );
    const f8 = await c2.request(OFFSET_FETCH, 8, { groups: [{ groupId: 'standalone', topics: null }], requireStable: false });
    const g = arr(f8, 'groups')[0]!;
    assert.deepEqual(
      arr(arr(g, 'topics')[0], 'partitions').map((p) => [p['partitionIndex'], p['committedOffset']]),
      [[0, 42]],
    );
    c2.close();
    await b2.close();
  });
});
