import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { OFFSET_FETCH } from './messages.js';
import { RawClient, startBroker, waitFor, type TestBroker } from './test-support.js';

/**
 * @platformatic/kafka 1.x (flexible protocol versions only: Metadata v12, Produce v9,
 * Fetch v17 by topic id, JoinGroup v9, OffsetCommit v8, ...) against the embedded broker.
 */

const brokers: TestBroker[] = [];
after(async () => {
  for (const b of brokers) await b.close();
});

describe('@platformatic/kafka', () => {
  test('admin, an idempotent producer and a group consumer that commits', async () => {
    const b = await startBroker();
    brokers.push(b);
    const bootstrapBrokers = [b.bootstrap];
    const admin = new Admin({ clientId: 'plt-admin', bootstrapBrokers });
    const created = await admin.createTopics({ topics: ['plt'], partitions: 2, replicas: 1 });
    assert.equal(created[0]!.partitions, 2);
    const producer = new Producer({ clientId: 'plt-producer', bootstrapBrokers, serializers: stringSerializers, idempotent: true });
    for (let i = 0; i < 10; i++) {
      await producer.send({ messages: [{ topic: 'plt', key: `k${i}`, value: `v${i}`, partition: i % 2, headers: { seq: String(i) } }] });
    }
    assert.equal(b.log.latestOffset('plt', 0) + b.log.latestOffset('plt', 1), 10);

    const consumer = new Consumer({ groupId: 'plt-group', clientId: 'plt-consumer', bootstrapBrokers, deserializers: stringDeserializers, maxWaitTime: 200 });
    const stream = await consumer.consume({ autocommit: true, topics: ['plt'], mode: 'earliest', sessionTimeout: 10000, heartbeatInterval: 300 });
    const got: string[] = [];
    for await (const m of stream) {
      got.push(`${m.partition}:${m.offset}:${m.key}=${m.value}:${m.headers.get('seq')}`);
      await m.commit();
      if (got.length === 10) break;
    }
    await consumer.close(true);
    assert.deepEqual(
      got.map((g) => g.split(':')[2]).sort(),
      Array.from({ length: 10 }, (_, i) => `k${i}=v${i}`).sort(),
    );
    for (const g of got) {
      const [p, , kv, seq] = g.split(':');
      assert.equal(Number(p), Number(seq) % 2, g);
      assert.equal(kv, `k${seq}=v${seq}`);
    }
    await waitFor(() => b.server.groups.describe('plt-group').state === 'Empty', 'the consumer left the group');
    // the commits are in __consumer_offsets: ask over the wire
    const raw = await RawClient.connect(b.port);
    const f = await raw.request(OFFSET_FETCH, 8, { groups: [{ groupId: 'plt-group', topics: [{ name: 'plt', partitionIndexes: [0, 1] }] }], requireStable: false });
    raw.close();
    const parts = ((((f!['groups'] as Record<string, unknown>[])[0]!['topics'] as Record<string, unknown>[])[0]!)['partitions'] as Record<string, unknown>[]).map((p) => p['committedOffset']);
    assert.deepEqual(parts, [5, 5]);
    await producer.close();
    await admin.deleteTopics({ topics: ['plt'] });
    assert.equal(b.log.topic('plt'), null);
    await admin.close();
  });
});
