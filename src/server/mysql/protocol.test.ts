import { StrataError } from '../../core/errors.js';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { Cap, ColumnType, Com } from './constants.js';
import { PacketFramer, PacketWriter, PayloadReader } from './packets.js';
import type { Frame } from './packets.js';
import { MySqlServer } from './server.js';
import { FakeBackend } from './test-backend.js';

/**
 * Protocol paths the stock clients do not take (mysql2 and libmariadb 3.3 never ask for
 * CLIENT_DEPRECATE_EOF; neither exposes COM_FIELD_LIST, COM_STATISTICS or
 * COM_SET_OPTION), driven by a raw test client packet by packet.
 */

const BASE_CAPS =
  Cap.LONG_PASSWORD | Cap.PROTOCOL_41 | Cap.SECURE_CONNECTION | Cap.PLUGIN_AUTH | Cap.PLUGIN_AUTH_LENENC_CLIENT_DATA | Cap.TRANSACTIONS;

class RawClient {
  readonly #socket: Socket;
  readonly #framer = new PacketFramer(1 << 30);
  readonly #frames: Frame[] = [];
  #waiter: (() => void) | null = null;
  closed = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#framer.push(chunk);
      for (let f = this.#framer.next(); f !== null; f = this.#framer.next()) this.#frames.push(f);
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = null;
    w?.();
  }

  static async open(port: number, caps: number, database: string | null = null): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    const c = new RawClient(socket);
    const hello = await c.next();
    assert.equal(hello[0], 10, 'protocol version 10');
    const w = new PacketWriter();
    w.seq = 1;
    w.begin()
      .u32(caps | (database !== null ? Cap.CONNECT_WITH_DB : 0))
      .u32(1 << 24)
      .u8(45)
      .zeros(23)
      .nulString('root')
      .lenencInt(0);
    if (database !== null) w.nulString(database);
    w.nulString('mysql_native_password').end();
    socket.write(w.take());
    const ok = await c.next();
    assert.equal(ok[0], 0x00, 'login OK');
    return c;
  }

  static async raw(port: number): Promise<RawClient> {
    const c = new RawClient(connect(port, '127.0.0.1'));
    await c.next();
    return c;
  }

  async nextFrame(): Promise<Frame> {
    while (this.#frames.length === 0) {
      if (this.closed) throw new StrataError('INTERNAL', 'connection closed');
      await new Promise<void>((resolve) => (this.#waiter = resolve));
    }
    return this.#frames.shift()!;
  }

  async next(): Promise<Buffer> {
    return (await this.nextFrame()).payload;
  }

  async waitClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => (this.#waiter = resolve));
  }

  /** Sends one or more command payloads in a single write, each with sequence id `seq`. */
  send(seq: number, ...payloads: Buffer[]): void {
    const w = new PacketWriter();
    for (const p of payloads) {
      w.seq = seq;
      w.begin().bytes(p).end();
    }
    this.#socket.write(w.take());
  }

  command(cmd: number, body: Buffer | string = Buffer.alloc(0)): void {
    this.send(0, Buffer.concat([Buffer.from([cmd]), typeof body === 'string' ? Buffer.from(body, 'utf8') : body]));
  }

  end(): void {
    this.#socket.destroy();
  }
}

function isEof(p: Buffer): boolean {
  return p[0] === 0xfe && p.length < 9;
}

/** Status flags of an EOF (0xFE, warnings, status) or of an OK (0x00/0xFE, lenenc, lenenc, status). */
function statusOf(p: Buffer): number {
  if (p.length === 5) return p.readUInt16LE(3);
  const r = new PayloadReader(p, 1);
  r.lenencInt();
  r.lenencInt();
  return r.u16();
}

function errOf(p: Buffer): { errno: number; state: string; message: string } {
  assert.equal(p[0], 0xff, 'an ERR packet');
  return { errno: p.readUInt16LE(1), state: p.toString('latin1', 4, 9), message: p.toString('utf8', 9) };
}

function columnName(p: Buffer): string {
  const r = new PayloadReader(p);
  for (let i = 0; i < 4; i++) r.lenencBytes();
  return r.lenencString();
}

describe('protocol paths with a raw client', () => {
  let server: MySqlServer;
  let backend: FakeBackend;
  let port: number;
  const log: string[] = [];

  before(async () => {
    backend = new FakeBackend();
    server = new MySqlServer(backend, { port: 0, log: (l) => log.push(l), logQueries: true });
    port = (await server.listen()).port;
  });
  after(async () => {
    await server.close();
  });

  test('CLIENT_DEPRECATE_EOF: no EOF after the definitions, an OK with 0xFE ends the rows', async () => {
    const c = await RawClient.open(port, BASE_CAPS | Cap.DEPRECATE_EOF | Cap.MULTI_STATEMENTS | Cap.MULTI_RESULTS);
    c.command(Com.QUERY, "select 1, null; select 'x'");
    assert.deepEqual([...(await c.next())], [2]);
    assert.equal(columnName(await c.next()), '1');
    assert.equal(columnName(await c.next()), 'NULL');
    const row = new PayloadReader(await c.next());
    assert.equal(row.lenencString(), '1');
    assert.equal(row.lenencInt(), null);
    const end1 = await c.next();
    assert.equal(end1[0], 0xfe);
    assert.equal(end1.length, 7, 'an OK packet, not a 5-byte EOF');
    assert.ok(statusOf(end1) & 0x08, 'SERVER_MORE_RESULTS_EXISTS');
    assert.deepEqual([...(await c.next())], [1]);
    assert.equal(columnName(await c.next()), 'x');
    assert.equal(new PayloadReader(await c.next()).lenencString(), 'x');
    const end2 = await c.next();
    assert.equal(end2.length, 7);
    assert.equal(statusOf(end2) & 0x08, 0, 'the last result');
    c.end();
  });

  test('without CLIENT_DEPRECATE_EOF: EOF after the definitions and after the rows', async () => {
    const c = await RawClient.open(port, BASE_CAPS);
    c.command(Com.QUERY, 'select 5');
    const packets: Buffer[] = [];
    for (let i = 0; i < 5; i++) packets.push(await c.next());
    assert.deepEqual([...packets[0]!], [1]);
    assert.ok(isEof(packets[2]!) && packets[2]!.length === 5);
    assert.equal(new PayloadReader(packets[3]!).lenencString(), '5');
    assert.ok(isEof(packets[4]!) && packets[4]!.length === 5);
    c.end();
  });

  test('COM_FIELD_LIST: column definitions with a default field, then the end packet', async () => {
    for (const deprecateEof of [false, true]) {
      const c = await RawClient.open(port, BASE_CAPS | (deprecateEof ? Cap.DEPRECATE_EOF : 0));
      c.command(Com.FIELD_LIST, Buffer.from('types\0', 'utf8'));
      const names: string[] = [];
      for (;;) {
        const p = await c.next();
        if (p[0] === 0xfe && p.length < 9) {
          assert.equal(p.length, deprecateEof ? 7 : 5);
          break;
        }
        names.push(columnName(p));
        assert.equal(p[p.length - 1], 0xfb, 'default value NULL');
      }
      assert.equal(names.length, 19);
      assert.equal(names[0], 'id');
      c.command(Com.FIELD_LIST, Buffer.from('nothere\0', 'utf8'));
      assert.equal(errOf(await c.next()).errno, 1146);
      c.end();
    }
  });

  test('COM_INIT_DB, COM_STATISTICS, COM_SET_OPTION, unknown commands', async () => {
    const c = await RawClient.open(port, BASE_CAPS | Cap.MULTI_RESULTS);
    c.command(Com.INIT_DB, 'demo');
    assert.equal((await c.next())[0], 0x00);
    c.command(Com.QUERY, 'select database()');
    for (let i = 0; i < 3; i++) await c.next();
    assert.equal(new PayloadReader(await c.next()).lenencString(), 'demo');
    await c.next();
    c.command(Com.INIT_DB, 'nope');
    const bad = errOf(await c.next());
    assert.deepEqual([bad.errno, bad.state], [1049, '42000']);

    c.command(Com.STATISTICS);
    assert.match((await c.next()).toString('latin1'), /^Uptime: \d+ {2}Threads: \d+ {2}Questions: \d+/);

    c.command(Com.QUERY, 'select 1; select 2');
    assert.equal(errOf(await c.next()).errno, 1064, 'multi-statements are off');
    c.command(Com.SET_OPTION, Buffer.from([0, 0]));
    const eof = await c.next();
    assert.ok(isEof(eof));
    c.command(Com.QUERY, 'select 1; select 2');
    const first: Buffer[] = [];
    for (let i = 0; i < 5; i++) first.push(await c.next());
    assert.ok(statusOf(first[4]!) & 0x08);
    for (let i = 0; i < 5; i++) await c.next();
    c.command(Com.SET_OPTION, Buffer.from([1, 0]));
    assert.ok(isEof(await c.next()));
    c.command(Com.QUERY, 'select 1; select 2');
    assert.equal(errOf(await c.next()).errno, 1064);

    c.command(0x1d);
    const unknown = errOf(await c.next());
    assert.deepEqual([unknown.errno, unknown.state], [1047, '08S01']);
    c.command(Com.PING);
    assert.equal((await c.next())[0], 0x00, 'still usable');
    c.end();
  });

  test('prepared statements under CLIENT_DEPRECATE_EOF, pipelined execute with statement id -1', async () => {
    const c = await RawClient.open(port, BASE_CAPS | Cap.DEPRECATE_EOF);
    const execute = (id: number, types: boolean, value: number): Buffer => {
      const w = new PacketWriter();
      w.begin().u8(Com.STMT_EXECUTE).u32(id).u8(0).u32(1).u8(0).u8(types ? 1 : 0);
      if (types) w.u8(ColumnType.LONG).u8(0);
      w.i32(value).end();
      return w.take().subarray(4);
    };
    c.send(0, Buffer.from('\x16select * from types where id = ?', 'latin1'));
    c.send(0, execute(0xffffffff, true, 2));
    const ok = await c.next();
    assert.equal(ok[0], 0x00);
    const stmtId = ok.readUInt32LE(1);
    assert.equal(ok.readUInt16LE(5), 19, 'columns');
    assert.equal(ok.readUInt16LE(7), 1, 'parameters');
    assert.equal(columnName(await c.next()), '?');
    for (let i = 0; i < 19; i++) await c.next();
    // The execute's binary result: no EOF after the 19 definitions.
    assert.deepEqual([...(await c.next())], [19]);
    for (let i = 0; i < 19; i++) await c.next();
    const row = await c.next();
    assert.equal(row[0], 0x00);
    assert.equal(row.readInt32LE(1 + 3), 2, 'id after the 3-byte null bitmap');
    const end = await c.next();
    assert.equal(end.length, 7);

    // Types from the first execute are reused when the client does not resend them.
    c.send(0, execute(stmtId, false, 1));
    await c.next();
    for (let i = 0; i < 19; i++) await c.next();
    assert.equal((await c.next()).readInt32LE(4), 1);
    assert.equal(backend.lastParams[0], 1);
    await c.next();

    c.send(0, Buffer.concat([Buffer.from([Com.STMT_RESET]), Buffer.from(Uint32Array.of(stmtId).buffer)]));
    assert.equal((await c.next())[0], 0x00);
    c.send(0, Buffer.concat([Buffer.from([Com.STMT_CLOSE]), Buffer.from(Uint32Array.of(stmtId).buffer)]));
    c.send(0, execute(stmtId, true, 1));
    const gone = errOf(await c.next());
    assert.equal(gone.errno, 1243, 'COM_STMT_CLOSE has no answer; the statement is gone');
    c.end();
  });

  test('COM_STMT_SEND_LONG_DATA has no answer; its pieces become the parameter', async () => {
    const c = await RawClient.open(port, BASE_CAPS);
    c.command(Com.STMT_PREPARE, 'select ?');
    const ok = await c.next();
    const id = ok.readUInt32LE(1);
    await c.next(); // parameter definition
    await c.next(); // EOF
    const longData = (piece: string): Buffer => {
      const w = new PacketWriter();
      w.begin().u8(Com.STMT_SEND_LONG_DATA).u32(id).u16(0).string(piece).end();
      return w.take().subarray(4);
    };
    c.send(0, longData('hello '));
    c.send(0, longData('wörld'));
    const w = new PacketWriter();
    w.begin().u8(Com.STMT_EXECUTE).u32(id).u8(0).u32(1).u8(0).u8(1).u8(ColumnType.BLOB).u8(0).end();
    c.send(0, w.take().subarray(4));
    assert.deepEqual([...(await c.next())], [1], 'the first answer is the execute result');
    assert.deepEqual(backend.lastParams, [new Uint8Array(Buffer.from('hello wörld', 'utf8'))]);
    c.end();
  });

  test('a command with a wrong sequence id closes the connection', async () => {
    const c = await RawClient.open(port, BASE_CAPS);
    c.send(3, Buffer.from([Com.PING]));
    await c.waitClosed();
    assert.ok(log.some((l) => l.includes('command packet has sequence id 3, expected 0')));
  });

  test('an SSL request is refused with an ERR and the connection closed', async () => {
    const c = await RawClient.raw(port);
    const w = new PacketWriter();
    w.seq = 1;
    w.begin()
      .u32(BASE_CAPS | Cap.SSL)
      .u32(1 << 24)
      .u8(45)
      .zeros(23)
      .end();
    c.send(1, w.take().subarray(4));
    const err = errOf(await c.next());
    assert.equal(err.errno, 1043);
    await c.waitClosed();
  });

  test('a client without CLIENT_PROTOCOL_41 is refused', async () => {
    const c = await RawClient.raw(port);
    c.send(1, Buffer.from([0x05, 0x00, 0xff, 0xff, 0x00, 0x72, 0x6f, 0x6f, 0x74, 0x00]));
    await c.waitClosed();
    assert.ok(log.some((l) => l.includes('protocol 4.1')));
  });
});
