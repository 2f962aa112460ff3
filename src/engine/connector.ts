import type { ChangeBatch } from '../core/batch.js';
import type { TableDescriptor } from '../core/plan.js';
import type { StateValue } from './state/codec.js';

/** What a running connector may use from its job. */
export interface ConnectorContext {
  readonly jobName: string;
  /** Aborted when the job stops. */
  readonly signal: AbortSignal;
  /** A line for the server log (never containing secrets). */
  log(message: string): void;
}

/**
 * A source at run time. The engine polls it synchronously and waits on `ready()` when
 * nothing is buffered, so a source does its I/O in the background and hands over batches.
 *
 * Contract: the changes returned by successive polls form the table's changelog in
 * order; `snapshotOffsets()` taken between two polls names exactly the position after
 * the last change returned, and a reader restored with it continues from there.
 */
export interface SourceReader {
  open(): Promise<void>;
  /** Up to `max` changes, or null when nothing is buffered right now. Never blocks. */
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
  close(): Promise<void>;
}

/**
 * A sink at run time. `write` buffers synchronously; `commit` applies everything written
 * since the last commit as one unit (all or nothing) and resolves once it is durable or
 * visible, as the connector promises.
 */
export interface SinkWriter {
  open(): Promise<void>;
  write(batch: ChangeBatch): void;
  commit(): Promise<void>;
  close(): Promise<void>;
}

/** Builds readers and writers for tables of one connector kind. */
export interface RuntimeConnector {
  createSource?(table: TableDescriptor, ctx: ConnectorContext): SourceReader;
  createSink?(table: TableDescriptor, ctx: ConnectorContext): SinkWriter;
}
