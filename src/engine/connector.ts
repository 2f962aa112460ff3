import type { ChangeBatch } from '../core/batch.js';
import type { TableDescriptor } from '../core/plan.js';
import type { CommitToken } from './commit-token.js';
import type { StateValue } from './state/codec.js';

/** What a running connector may use from its job. */
export interface ConnectorContext {
  readonly jobName: string;
  /** Aborted when the job stops. */
  readonly signal: AbortSignal;
  /** A line for the server log (never containing secrets). */
  log(message: string): void;
  /**
   * A durable directory owned by this job (under the data directory), present when the job
   * checkpoints. A connector keeps its own files in a subdirectory named after its table
   * (for example the mysql-cdc snapshot spool), so that replay after a restore is exact.
   */
  readonly stateDir?: string;
}

/** Snapshot progress of a source that reads existing rows before following changes. */
export interface SourceProgress {
  /** 'snapshot' while reading existing rows, 'stream' after. */
  readonly phase: 'snapshot' | 'stream';
  readonly tablesTotal: number;
  readonly tablesDone: number;
  /** Rows returned by the snapshot so far. */
  readonly rowsRead: number;
  /** Estimated rows in the snapshot (from table statistics), or null. */
  readonly rowsEstimated: number | null;
}

/**
 * A source at run time. The engine polls it synchronously and waits on `ready()` when
 * nothing is buffered, so a source does its I/O in the background and hands over batches.
 *
 * Contract: the changes returned by successive polls form the table's changelog in
 * order; `snapshotOffsets()` taken between two polls names exactly the position after
 * the last change returned, and a reader restored with it continues from there.
 *
 * Exact replay (what checkpoint recovery relies on): a reader restored with offsets `o`
 * returns exactly the same sequence of changes the original reader returned after `o`
 * (same rows, same kinds, same order), so a job can re-consume a counted number of changes
 * and land on the same state. Sources whose external system cannot give that by itself
 * (a snapshot read again later sees newer rows) keep what they returned in `stateDir`.
 */
export interface SourceReader {
  open(): Promise<void>;
  /**
   * Up to `max` changes, or null when nothing is buffered right now. Never blocks. A source
   * with indivisible units (a source transaction, an update's -U/+U pair) stops at the first
   * unit boundary at or after `max` changes, never later: so a replay that asks for exactly
   * the count an earlier run consumed lands on the same boundary.
   */
  poll(max: number): ChangeBatch | null;
  /** Resolves when `poll` may return data, or the source finished or failed. */
  ready(): Promise<void>;
  /** A bounded source that has returned everything. */
  readonly finished: boolean;
  snapshotOffsets(): StateValue;
  restoreOffsets(offsets: StateValue): void;
  /**
   * Resolves once every change the external system had committed when this was called has
   * been returned by `poll` (for flush: read-your-writes). Sources whose data is already
   * in-process (datagen, values, the embedded log) do not need it.
   */
  catchUp?(): Promise<void>;
  /**
   * A checkpoint holding `offsets` (as this reader returned them) is durable: files the
   * reader kept only to replay from older offsets may go (Flink's notifyCheckpointComplete).
   */
  checkpointComplete?(offsets: StateValue): void;
  /** Snapshot progress, for `GET /api/v1/jobs` and the terminal progress bar. */
  progress?(): SourceProgress | null;
  close(): Promise<void>;
}

/**
 * A sink at run time. `write` buffers synchronously; `commit` applies everything written
 * since the last commit as one unit (all or nothing) and resolves once it is durable or
 * visible, as the connector promises.
 *
 * Exactly-once sinks store the commit token (engine/commit-token.ts) in the same unit as
 * the data, report the last one they stored from `recoveredTokens()` after `open`, and
 * drop (instead of applying) a commit whose token is at or before a recovered one: during
 * recovery the job replays from its checkpoint and re-commits at exactly the recovered
 * tokens. A sink with several independent units (topic partitions) keeps one token per
 * unit and reports them all.
 */
export interface SinkWriter {
  open(): Promise<void>;
  write(batch: ChangeBatch): void;
  commit(token?: CommitToken): Promise<void>;
  /** The tokens of this job found in the sink's storage at `open` (none when never written). */
  recoveredTokens?(): readonly CommitToken[];
  close(): Promise<void>;
}

/** Builds readers and writers for tables of one connector kind. */
export interface RuntimeConnector {
  createSource?(table: TableDescriptor, ctx: ConnectorContext): SourceReader;
  createSink?(table: TableDescriptor, ctx: ConnectorContext): SinkWriter;
}
