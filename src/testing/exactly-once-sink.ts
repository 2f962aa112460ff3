import { cpSync, rmSync } from 'node:fs';
import type { ChangeBatch } from '../core/batch.js';
import type { ConnectorSpec } from '../core/options.js';
import type { RowKind } from '../core/row-kind.js';
import type { Row } from '../core/values.js';
import { defaultRegistry, type ConnectorRegistry } from '../connectors/registry.js';
import { formatToken, parseToken, tokenAtOrBefore, type CommitToken } from '../engine/commit-token.js';
import type { SinkWriter } from '../engine/connector.js';
import { applyChangelog, debugRow, sortedRows } from './changelog.js';

/**
 * Test support for recovery tests: `memsink`, an exactly-once sink whose "disk" is a plain
 * object (the changes it applied and the last commit token, updated together as one
 * transaction would), so a test can copy it at the instant of a simulated crash; and
 * `materialize`, the changelog applied as a multiset (`applyChangelog`).
 */

/** What the sink keeps on "disk". */
export interface MemSinkDisk {
  changes: [RowKind, Row][];
  token: string | null;
}

const MEMSINK_SPEC: ConnectorSpec = {
  name: 'memsink',
  doc: 'test sink: an exactly-once in-memory table of changes',
  sink: { doc: 'accepts all changes.' },
  options: [],
};

class MemSink implements SinkWriter {
  readonly #disk: MemSinkDisk;
  readonly #job: string;
  #pending: [RowKind, Row][] = [];
  #recovered: CommitToken | null = null;

  constructor(disk: MemSinkDisk, job: string) {
    this.#disk = disk;
    this.#job = job;
  }

  open(): Promise<void> {
    const t = this.#disk.token === null ? null : parseToken(this.#disk.token);
    this.#recovered = t !== null && t.job === this.#job ? t : null;
    return Promise.resolve();
  }

  recoveredTokens(): readonly CommitToken[] {
    return this.#recovered === null ? [] : [this.#recovered];
  }

  write(batch: ChangeBatch): void {
    for (let i = 0; i < batch.length; i++) this.#pending.push([batch.kinds[i]!, batch.rows[i]!]);
  }

  commit(token?: CommitToken): Promise<void> {
    const p = this.#pending;
    this.#pending = [];
    if (token !== undefined && this.#recovered !== null && tokenAtOrBefore(token, this.#recovered)) return Promise.resolve();
    // One synchronous step: data and token together, like a transaction.
    this.#disk.changes.push(...p);
    if (token !== undefined) this.#disk.token = formatToken(token);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The default connectors plus `memsink` writing to `disk`. */
export function registryWithMemSink(disk: MemSinkDisk): ConnectorRegistry {
  const r = defaultRegistry();
  r.register({ spec: MEMSINK_SPEC, sinkAccepts: () => 'all', runtime: { createSink: (_t, ctx) => new MemSink(disk, ctx.jobName) } });
  return r;
}

/**
 * The table a changelog describes, as sorted rows (`debugRow` text, one line per copy);
 * `applyChangelog` fails on a retraction of an absent row (a change lost or applied twice).
 */
export function materialize(changes: readonly [RowKind, Row][]): string[] {
  const m = applyChangelog(
    changes.map((c) => c[0]),
    changes.map((c) => c[1]),
  );
  return sortedRows(m).map(debugRow);
}

/**
 * The crash: everything durable at this instant, copied in one synchronous step. A rename
 * running on libuv's thread pool meanwhile can make a listed `.tmp` file vanish before it
 * is copied; the copy is then taken again (the job's JavaScript does not run in between).
 */
export function crashCopy(from: string, to: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      cpSync(from, to, { recursive: true });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw e;
      rmSync(to, { recursive: true, force: true });
    }
  }
}
