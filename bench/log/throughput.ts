/**
 * Embedded log throughput: produce and consume of fixed-size messages through the Kafka
 * wire server with kcat (librdkafka), and through the in-process API.
 *
 *   node dist/bench/log/throughput.js [--messages N] [--size BYTES] [--partitions P]
 *                                     [--batch N] [--flush-messages N] [--json]
 *
 * Wire rows: the broker runs in this process (one event loop, as in `strata start`);
 * kcat runs as a child process: `kcat -P -l FILE` (one message per line of FILE, acks=all,
 * librdkafka's default batching) and `kcat -C -o beginning -e` with its output thrown
 * away, once as is and once with `-X fetch.wait.max.ms=10` (`-e` ends after a Fetch
 * that finds no more data, which the broker holds for fetch.wait.max.ms, 500 ms by
 * default). Time is wall clock from spawn to exit (so kcat's start-up and metadata
 * requests count); "broker CPU" is this process's user + system CPU over the same span.
 * In-process rows: `Log.produce` of `--batch` records per call (each call one batch,
 * fsynced under the default flush policy), `Log.read` of stored batches (CRC-32C checked),
 * and `Log.consume` (read + record decoding). The log directory is a fresh temp dir.
 *
 * Output: a Markdown table with the machine and date (or JSON with --json).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { StrataError } from '../../src/core/errors.js';
import { Log } from '../../src/log/log.js';
import { KafkaServer } from '../../src/log/kafka-wire/server.js';
import type { ProducerRecord } from '../../src/log/record-batch.js';

interface Args {
  messages: number;
  size: number;
  partitions: number;
  batch: number;
  flushMessages: number;
  json: boolean;
}

interface Row {
  path: string;
  messages: number;
  bytes: number;
  seconds: number;
  cpuSeconds: number;
  note: string;
}

function usage(msg: string): never {
  process.stderr.write(`${msg}\nusage: node dist/bench/log/throughput.js [--messages N] [--size BYTES] [--partitions P] [--batch N] [--flush-messages N] [--json]\n`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { messages: 200_000, size: 1024, partitions: 1, batch: 1000, flushMessages: 1, json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const num = (): number => {
      const v = Number((argv[++i] ?? '').replace(/_/g, ''));
      if (!Number.isFinite(v) || v <= 0) usage(`${flag} needs a positive number`);
      return Math.floor(v);
    };
    switch (flag) {
      case '--messages':
        a.messages = num();
        break;
      case '--size':
        a.size = num();
        break;
      case '--partitions':
        a.partitions = num();
        break;
      case '--batch':
        a.batch = num();
        break;
      case '--flush-messages':
        a.flushMessages = num();
        break;
      case '--json':
        a.json = true;
        break;
      default:
        usage(`unknown option ${flag}`);
    }
  }
  return a;
}

function machine(): { cpu: string; cores: number; node: string; os: string; memoryGb: number; date: string; kcat: string } {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    os: `${os.platform()} ${os.release()}`,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    date: new Date().toISOString(),
    kcat: '',
  };
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function run(cmd: string, args: readonly string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const err: Buffer[] = [];
    const out: Buffer[] = [];
    let outBytes = 0;
    child.stdout.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (outBytes < 4096) out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr: Buffer.concat(err).toString(), stdout: Buffer.concat(out).toString() }));
  });
}

async function timed(path: string, messages: number, bytes: number, note: string, f: () => Promise<void>): Promise<Row> {
  const c0 = cpuSeconds();
  const t0 = process.hrtime.bigint();
  await f();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { path, messages, bytes, seconds, cpuSeconds: cpuSeconds() - c0, note };
}

function fmt(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
  return n.toFixed(0);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const m = machine();
  const v = (await run('kcat', ['-V'])).stdout;
  m.kcat = `${/Version (\S+)/.exec(v)?.[1] ?? '?'} (librdkafka ${/librdkafka (\S+)/.exec(v)?.[1] ?? '?'})`;
  const work = mkdtempSync(join(os.tmpdir(), 'strata-log-bench-'));
  const rows: Row[] = [];
  const payload = 'x'.repeat(args.size - 1);
  const totalBytes = args.messages * args.size;
  try {
    // the input file for kcat -P -l: one message per line
    const file = join(work, 'messages.txt');
    const fd = openSync(file, 'w');
    const chunk = Buffer.from(Array.from({ length: 1000 }, () => payload + '\n').join(''));
    for (let i = 0; i < args.messages; i += 1000) writeSync(fd, i + 1000 <= args.messages ? chunk : chunk.subarray(0, (args.messages - i) * args.size));
    closeSync(fd);

    // --- wire, with kcat
    const log = await Log.open(join(work, 'wire-log'), { flushMessages: args.flushMessages, retentionCheckIntervalMs: 0, cleanerIntervalMs: 0 });
    log.createTopic('bench', { partitions: args.partitions });
    const server = new KafkaServer(log, { port: 0 });
    const addr = await server.listen();
    const bootstrap = `${addr.host}:${addr.port}`;
    process.stderr.write(`wire: kcat -P of ${args.messages} × ${args.size} B to ${bootstrap} ...\n`);
    rows.push(
      await timed('wire produce: `kcat -P -l`', args.messages, totalBytes, `acks=all, librdkafka default batching${args.flushMessages === 1 ? ', fsync before each ack' : ''}`, async () => {
        const r = await run('kcat', ['-b', bootstrap, '-P', '-t', 'bench', '-l', file]);
        if (r.code !== 0) throw new StrataError('RUNTIME', `kcat -P failed: ${r.stderr}`);
      }),
    );
    let stored = 0;
    for (let p = 0; p < args.partitions; p++) stored += log.latestOffset('bench', p);
    if (stored !== args.messages) throw new StrataError('RUNTIME', `expected ${args.messages} messages in the log, found ${stored}`);
    process.stderr.write('wire: kcat -C ...\n');
    rows.push(
      await timed('wire consume: `kcat -C -o beginning -e`', args.messages, totalBytes, 'output to /dev/null', async () => {
        const r = await run('kcat', ['-b', bootstrap, '-C', '-t', 'bench', '-o', 'beginning', '-e', '-q', '-f', '%o\n']);
        if (r.code !== 0) throw new StrataError('RUNTIME', `kcat -C failed: ${r.stderr}`);
      }),
    );
    rows.push(
      await timed('wire consume: same, `-X fetch.wait.max.ms=10`', args.messages, totalBytes, 'without the final 500 ms long poll that ends `-e`', async () => {
        const r = await run('kcat', ['-b', bootstrap, '-C', '-t', 'bench', '-o', 'beginning', '-e', '-q', '-X', 'fetch.wait.max.ms=10', '-f', '%o\n']);
        if (r.code !== 0) throw new StrataError('RUNTIME', `kcat -C failed: ${r.stderr}`);
      }),
    );
    await server.close();
    await log.close();

    // --- in process
    const plog = await Log.open(join(work, 'api-log'), { flushMessages: args.flushMessages, retentionCheckIntervalMs: 0, cleanerIntervalMs: 0 });
    plog.createTopic('api', { partitions: 1 });
    const value = Buffer.from(payload + '\n');
    const records: ProducerRecord[] = Array.from({ length: args.batch }, () => ({ key: null, value }));
    process.stderr.write(`in-process: produce in batches of ${args.batch} ...\n`);
    rows.push(
      await timed(`in-process produce: \`Log.produce\` × ${args.batch}`, args.messages, totalBytes, `one batch per call${args.flushMessages === 1 ? ', fsync per batch' : ''}`, async () => {
        for (let i = 0; i < args.messages; i += args.batch) {
          const n = Math.min(args.batch, args.messages - i);
          await plog.produce('api', 0, n === args.batch ? records : records.slice(0, n));
        }
      }),
    );
    process.stderr.write('in-process: read ...\n');
    rows.push(
      await timed('in-process read: `Log.read` (stored batches)', args.messages, totalBytes, '1 MiB reads, CRC-32C checked', async () => {
        let off = 0;
        const end = plog.latestOffset('api', 0);
        while (off < end) {
          const r = plog.read('api', 0, off, 1 << 20);
          let p = 0;
          const b = r.records;
          while (p < b.length) {
            off = b.readInt32BE(p) * 4294967296 + b.readUInt32BE(p + 4) + b.readInt32BE(p + 23) + 1;
            p += b.readInt32BE(p + 8) + 12;
          }
        }
      }),
    );
    process.stderr.write('in-process: consume ...\n');
    rows.push(
      await timed('in-process consume: `Log.consume` (decoded)', args.messages, totalBytes, '1 MiB reads, records decoded', async () => {
        let off = 0;
        let n = 0;
        const end = plog.latestOffset('api', 0);
        while (off < end) {
          const r = plog.consume('api', 0, off, 1 << 20);
          n += r.records.length;
          off = r.nextOffset;
        }
        if (n !== args.messages) throw new StrataError('RUNTIME', `consumed ${n} records, expected ${args.messages}`);
      }),
    );
    await plog.close();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  if (args.json) {
    process.stdout.write(`${JSON.stringify({ machine: m, args, rows }, null, 2)}\n`);
    return;
  }
  const lines: string[] = [];
  lines.push(`Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, Node ${m.node}, kcat ${m.kcat}. Date: ${m.date}.`);
  lines.push(
    `Command: \`node dist/bench/log/throughput.js --messages ${args.messages} --size ${args.size} --partitions ${args.partitions} --batch ${args.batch} --flush-messages ${args.flushMessages}\`.`,
  );
  lines.push('');
  lines.push('| path | messages | MB | seconds | messages/s | MB/s | broker CPU s | note |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    const mb = r.bytes / 1e6;
    lines.push(`| ${r.path} | ${fmt(r.messages)} | ${mb.toFixed(0)} | ${r.seconds.toFixed(2)} | ${fmt(r.messages / r.seconds)} | ${(mb / r.seconds).toFixed(1)} | ${r.cpuSeconds.toFixed(2)} | ${r.note} |`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
