import { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import { DELETE, INSERT, ROW_KIND_SHORT, UPDATE_AFTER, UPDATE_BEFORE } from '../../core/row-kind.js';
import { keyOf, rowKey, type Key, type Row } from '../../core/values.js';

/**
 * The in-process registries behind the `values` connector: test data for sources (by
 * `data-id`) and collected changes of sinks (by `sink-id`). Module-level, so a test
 * registers data, runs a job, and reads the result without plumbing; call
 * `resetValuesConnector()` between tests.
 */

interface DataSet {
  readonly batches: ChangeBatch[];
  /** For unbounded readers: no more batches will come. */
  ended: boolean;
  /** Readers waiting for the next batch. */
  waiters: (() => void)[];
}

interface SinkStore {
  readonly changes: ChangeBatch;
  /** The primary key of the sink table that wrote here (for materializing), if any. */
  primaryKey: readonly number[] | null;
}

const dataSets = new Map<string, DataSet>();
const sinkStores = new Map<string, SinkStore>();

function dataSet(id: string): DataSet {
  let d = dataSets.get(id);
  if (d === undefined) {
    d = { batches: [], ended: false, waiters: [] };
    dataSets.set(id, d);
  }
  return d;
}

function wake(d: DataSet): void {
  const ws = d.waiters;
  d.waiters = [];
  for (const w of ws) w();
}

/**
 * Registers (replacing) the data of `id`. A single batch is returned by one poll; a list
 * of batches is returned one batch per poll, so a test controls batch boundaries. Rows
 * must have one value per column of the tables reading them.
 */
export function registerValuesData(id: string, changes: ChangeBatch | readonly ChangeBatch[]): void {
  const d = dataSet(id);
  d.batches.length = 0;
  if (changes instanceof ChangeBatch) d.batches.push(changes);
  else d.batches.push(...changes);
  d.ended = false;
  wake(d);
}

/** Appends one batch to the data of `id` (creating it); unbounded readers pick it up on their next poll. */
export function appendValuesData(id: string, batch: ChangeBatch): void {
  const d = dataSet(id);
  d.batches.push(batch);
  wake(d);
}

/** Marks the data of `id` complete: unbounded (`'bounded' = 'false'`) readers finish once they have returned it all. */
export function endValuesData(id: string): void {
  const d = dataSet(id);
  d.ended = true;
  wake(d);
}

/** True when data was registered or appended under `id`. */
export function hasValuesData(id: string): boolean {
  return dataSets.has(id);
}

/** @internal The batch list of `id` (shared, read-only for readers), or undefined. */
export function valuesDataBatches(id: string): readonly ChangeBatch[] | undefined {
  return dataSets.get(id)?.batches;
}

/** @internal True when `endValuesData(id)` was called. */
export function valuesDataEnded(id: string): boolean {
  return dataSets.get(id)?.ended ?? false;
}

/** @internal Resolves when data is registered, appended or ended under `id`. */
export function waitForValuesData(id: string, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  const d = dataSet(id);
  return new Promise<void>((resolve) => {
    const done = (): void => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    d.waiters.push(done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** @internal Appends committed changes to the store of `id`. */
export function appendValuesSinkChanges(id: string, changes: ChangeBatch, primaryKey: readonly number[] | null): void {
  let s = sinkStores.get(id);
  if (s === undefined) {
    s = { changes: new ChangeBatch(), primaryKey };
    sinkStores.set(id, s);
  }
  s.primaryKey = primaryKey;
  s.changes.append(changes);
}

/** Every change committed to the sink `id`, in order (a copy; empty when nothing was written). */
export function getValuesSinkChanges(id: string): ChangeBatch {
  const s = sinkStores.get(id);
  return s === undefined ? new ChangeBatch() : new ChangeBatch([...s.changes.kinds], [...s.changes.rows]);
}

/**
 * The rows of the sink `id` after applying its changes in order: by primary key when
 * the sink table has one (+I/+U put the row, -U/-D remove the key), else as a multiset
 * (+I/+U add a row, -U/-D remove one equal row). In order of first insertion.
 * A retraction of a row that is not there (no primary key) is a CONNECTOR_DATA error:
 * the stream was not a valid changelog.
 */
export function getValuesSinkRows(id: string): Row[] {
  const s = sinkStores.get(id);
  if (s === undefined) return [];
  const { kinds, rows } = s.changes;
  const pk = s.primaryKey;
  if (pk !== null && pk.length > 0) {
    const byKey = new Map<Key, Row>();
    for (let i = 0; i < rows.length; i++) {
      const k = keyOf(rows[i]!, pk);
      const kind = kinds[i]!;
      if (kind === INSERT || kind === UPDATE_AFTER) byKey.set(k, rows[i]!);
      else byKey.delete(k);
    }
    return [...byKey.values()];
  }
  const counts = new Map<Key, { row: Row; n: number }>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const k = rowKey(row);
    const kind = kinds[i]!;
    const e = counts.get(k);
    if (kind === INSERT || kind === UPDATE_AFTER) {
      if (e === undefined) counts.set(k, { row, n: 1 });
      else e.n++;
    } else if (kind === UPDATE_BEFORE || kind === DELETE) {
      if (e === undefined) {
        throw new StrataError(
          'CONNECTOR_DATA',
          `values sink '${id}': change ${i + 1} ${ROW_KIND_SHORT[kind]}[${row.map((v) => (v === null ? 'null' : String(v))).join(', ')}] retracts a row that is not in the sink`,
        );
      }
      if (--e.n === 0) counts.delete(k);
    }
  }
  const out: Row[] = [];
  for (const { row, n } of counts.values()) for (let j = 0; j < n; j++) out.push(row);
  return out;
}

/** Forgets the changes collected under `id`. */
export function clearValuesSink(id: string): void {
  sinkStores.delete(id);
}

/** The ids of all sinks that collected changes. */
export function valuesSinkIds(): string[] {
  return [...sinkStores.keys()];
}

/** Forgets all registered data and collected changes (between tests). Waiting readers are woken. */
export function resetValuesConnector(): void {
  for (const d of dataSets.values()) wake(d);
  dataSets.clear();
  sinkStores.clear();
}
