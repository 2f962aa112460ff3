import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket, type AddressInfo } from 'node:net';
import { Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs';
import { startBroker, waitFor, type TestBroker } from './test-support.js';

/**
 * kafkajs 2.2 (classic protocol versions only) against the embedded broker: admin,
 * producer, consumer groups with commits, a rebalance when a second consumer joins and
 * when it leaves, and an idempotent producer whose batch is retried after a lost
 * response (through a proxy that drops the first Produce response) and stored once.
 */

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

const brokers: TestBroker[] = [];
const proxies: DroppingProxy[] = [];
after(async () => {
  for (const p of proxies) await p.close();
  for (const b of brokers) await b.close();
});

async function broker(options: Parameters<typeof startBroker>[0] = {}): Promise<TestBroker> {
  const b = await startBroker(options);
  brokers.push(b);
  return b;
}

function client(bootstrap: string, clientId: string): Kafka {
  return new Kafka({ brokers: [bootstrap], clientId, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 50, retries: 20 } });
}

describe('kafkajs', () => {
  test('admin, producer and a consumer group that resumes from its committed offsets', async () => {
    const b = await broker();
    const kafka = client(b.bootstrap, 'kjs-basic');
    const admin = kafka.admin();
    await admin.connect();
    assert.equal(await admin.createTopics({ topics: [{ topic: 'basic', numPartitions: 3 }] }), true);
    assert.ok((await admin.listTopics()).includes('basic'));
    const meta = await admin.fetchTopicMetadata({ topics: ['basic'] });
    assert.equal(meta.topics[0]!.partitions.length, 3);
    const producer = kafka.producer();
    await producer.connect();
    const sent = await producer.send({ topic: 'basic', messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, headers: { n: String(i) } })) });
    assert.equal(sent.reduce((n, r) => n + (r.errorCode === 0 ? 1 : 0), 0), sent.length);

    const got: string[] = [];
    const consumer = kafka.consumer({ groupId: 'basic-group', heartbeatInterval: 300, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'basic', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }: EachMessagePayload) => {
        assert.equal(String(message.headers?.['n']), String(message.value).slice(1));
        got.push(String(message.value));
      },
    });
    await waitFor(() => got.length >= 30, 'the consumer received 30 messages');
    await consumer.disconnect(); // commits
    assert.deepEqual([...new Set(got)].sort(), Array.from({ length: 30 }, (_, i) => `v${i}`).sort());
    const offsets = await admin.fetchOffsets({ groupId: 'basic-group', topics: ['basic'] });
    const committed = offsets[0]!.partitions.reduce((n, p) => n + Number(p.offset), 0);
    assert.equal(committed, 30);

    await producer.send({ topic: 'basic', messages: [{ key: 'late', value: 'late' }] });
    const again: string[] = [];
    const c2 = kafka.consumer({ groupId: 'basic-group', heartbeatInterval: 300, maxWaitTimeInMs: 200 });
    await c2.connect();
    await c2.subscribe({ topic: 'basic', fromBeginning: true });
    await c2.run({ eachMessage: async ({ message }) => void again.push(String(message.value)) });
    await waitFor(() => again.length >= 1, 'the second consumer received the new message');
    await c2.disconnect();
    assert.deepEqual(again, ['late']);
    const groups = await admin.listGroups();
    assert.ok(groups.groups.some((g) => g.groupId === 'basic-group'));
    await producer.disconnect();
    await admin.disconnect();
  });

  test('partitions move to a second consumer when it joins and back when it leaves', async () => {
    const b = await broker();
    const kafka = client(b.bootstrap, 'kjs-rebalance');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'rb', numPartitions: 4 }] });
    const producer = kafka.producer();
    await producer.connect();
    const produce = async (from: number, n: number): Promise<void> => {
      await producer.send({ topic: 'rb', messages: Array.from({ length: n }, (_, i) => ({ value: `m${from + i}`, partition: (from + i) % 4 })) });
    };
    await produce(0, 40);

    const received = new Map<string, Set<string>>([
      ['A', new Set()],
      ['B', new Set()],
    ]);
    const assigned = new Map<string, number[]>([
      ['A', []],
      ['B', []],
    ]);
    const start = async (name: string): Promise<Consumer> => {
      const c = kafka.consumer({ groupId: 'rb-group', heartbeatInterval: 200, maxWaitTimeInMs: 200, sessionTimeout: 10000, rebalanceTimeout: 20000 });
      c.on(c.events.GROUP_JOIN, (e) => assigned.set(name, [...(e.payload.memberAssignment['rb'] ?? [])].sort()));
      await c.connect();
      await c.subscribe({ topic: 'rb', fromBeginning: true });
      await c.run({ eachMessage: async ({ message }) => void received.get(name)!.add(String(message.value)) });
      return c;
    };
    const all = (): Set<string> => new Set([...received.get('A')!, ...received.get('B')!]);

    const a = await start('A');
    await waitFor(() => assigned.get('A')!.length === 4 && all().size === 40, 'A owns 4 partitions and read 40 messages');
    const generationAlone = b.server.groups.describe('rb-group').generationId;

    const bc = await start('B');
    await waitFor(() => assigned.get('A')!.length === 2 && assigned.get('B')!.length === 2, 'A and B own two partitions each');
    assert.deepEqual([...assigned.get('A')!, ...assigned.get('B')!].sort(), [0, 1, 2, 3]);
    assert.ok(b.server.groups.describe('rb-group').generationId > generationAlone);
    await produce(40, 40);
    await waitFor(() => all().size === 80, 'A and B together read all 80 messages');
    await waitFor(() => received.get('B')!.size > 0, 'B read some');

    await bc.disconnect();
    await waitFor(() => assigned.get('A')!.length === 4, 'A owns all 4 partitions again after B left');
    await produce(80, 20);
    await waitFor(() => all().size === 100, 'every message read once B left');
    for (let i = 80; i < 100; i++) assert.ok(received.get('A')!.has(`m${i}`), `A read m${i}`);
    await a.disconnect();
    assert.equal(b.server.groups.describe('rb-group').state, 'Empty');
    await producer.disconnect();
    await admin.disconnect();
  });

  test('an idempotent producer retried after a lost response stores the batch once', async () => {
    const proxy = new DroppingProxy();
    proxies.push(proxy);
    const proxyPort = await proxy.listen();
    const b = await broker({ server: { advertisedPort: proxyPort } });
    proxy.target = b.port;
    const kafka = client(`127.0.0.1:${proxyPort}`, 'kjs-idem');
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const r1 = await producer.send({ topic: 'idem', acks: -1, messages: [{ key: 'k', value: 'first' }] });
    const r2 = await producer.send({ topic: 'idem', acks: -1, messages: [{ key: 'k', value: 'second' }] });
    assert.equal(proxy.droppedProduceResponses, 1, 'one Produce response was lost');
    assert.ok(proxy.produceRequests >= 3, `the lost batch was sent again (${proxy.produceRequests} Produce requests)`);
    assert.equal(r1[0]!.baseOffset, '0');
    assert.equal(r2[0]!.baseOffset, '1');
    const records = b.log.consume('idem', 0, 0).records.map((r) => Buffer.from(r.value!).toString());
    assert.deepEqual(records, ['first', 'second']);
    await producer.disconnect();
  });
});

/**
 * A TCP proxy in front of the broker that forwards everything but drops the response to
 * the first Produce request and closes that client connection, as a network failure
 * after the broker appended would.
 */
class DroppingProxy {
  target = 0;
  produceRequests = 0;
  droppedProduceResponses = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  constructor() {
    this.#server = createServer((client) => this.#accept(client));
  }

  listen(): Promise<number> {
    return new Promise((resolve) => this.#server.listen(0, '127.0.0.1', () => resolve((this.#server.address() as AddressInfo).port)));
  }

  #accept(client: Socket): void {
    const upstream = connect(this.target, '127.0.0.1');
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    const apiOf = new Map<number, number>();
    let up = Buffer.alloc(0);
    let down = Buffer.alloc(0);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    client.on('data', (chunk: Buffer) => {
      up = Buffer.concat([up, chunk]);
      while (up.length >= 4 && up.length >= 4 + up.readInt32BE(0)) {
        const size = up.readInt32BE(0);
        const frame = up.subarray(0, 4 + size);
        up = up.subarray(4 + size);
        const apiKey = frame.readInt16BE(4);
        apiOf.set(frame.readInt32BE(8), apiKey);
        if (apiKey === 0) this.produceRequests++;
        upstream.write(frame);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      down = Buffer.concat([down, chunk]);
      while (down.length >= 4 && down.length >= 4 + down.readInt32BE(0)) {
        const size = down.readInt32BE(0);
        const frame = down.subarray(0, 4 + size);
        down = down.subarray(4 + size);
        if (apiOf.get(frame.readInt32BE(4)) === 0 && this.droppedProduceResponses === 0) {
          this.droppedProduceResponses++;
          end();
          return;
        }
        client.write(frame);
      }
    });
  }

  close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    if (!this.#server.listening) return Promise.resolve();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
