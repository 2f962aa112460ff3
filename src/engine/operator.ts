import type { ChangeBatch } from '../core/batch.js';
import type { StateValue, StateWriter } from './state/codec.js';

/**
 * A streaming operator. The engine calls it synchronously, one step at a time:
 *
 *   process(port, batch, out)   for each input port that has changes this step, in port order
 *   finishBatch(out)            once at the end of the step
 *
 * Contract:
 * - `process` and `finishBatch` append output changes to `out` and never await.
 * - Input batches and the rows inside them are read-only; emitted rows are never mutated later.
 * - After `finishBatch`, the changes the operator has emitted so far, applied in order,
 *   equal the operator's query evaluated over all input received so far (incremental
 *   equals recompute, at step boundaries).
 * - Every piece of state is returned by `snapshotState()` between steps, and
 *   `restoreState(s)` on a fresh instance yields an operator that behaves exactly like the
 *   one that was snapshotted. Nothing may hold state outside it.
 *
 * Incremental snapshots (optional, for operators whose state is large; see
 * docs/design/20261121_checkpoints.md, "Incremental checkpoints"):
 * - `snapshotState()`, `writeState()`, `snapshotDelta()`, `restoreState()` and
 *   `restoreDelta()` each end a delta *epoch*: the state at that moment is the base of
 *   the next delta.
 * - `snapshotDelta()` (between steps) returns what changed since the end of the previous
 *   epoch. Restoring the state of epoch N (`restoreState(full)`, on a fresh instance) then
 *   `restoreDelta(d1) ... restoreDelta(dk)` with the deltas of epochs N+1..N+k, in order,
 *   yields an operator that behaves exactly like the one snapshotted at N+k, and whose
 *   `snapshotState()` has the same content (container order may differ).
 * - A delta is only defined after an epoch ended; `snapshotDelta()` before any snapshot or
 *   restore throws INTERNAL. An operator without these methods is snapshotted in full in
 *   every checkpoint.
 * - `writeState(w)` writes exactly the bytes of `encodeState(snapshotState())` into `w`
 *   without building the value (a large state is encoded from its live structures).
 */
export interface Operator {
  process(port: number, batch: ChangeBatch, out: ChangeBatch): void;
  finishBatch(out: ChangeBatch): void;
  snapshotState(): StateValue;
  restoreState(state: StateValue): void;
  /** What changed since the last snapshot, delta or restore (see above). */
  snapshotDelta?(): StateValue;
  /** Applies a delta of `snapshotDelta()` on the state of the epoch before it. */
  restoreDelta?(delta: StateValue): void;
  /**
   * The share (0..1) of the state's keys the next `snapshotDelta()` would hold: the job
   * takes a full snapshot instead when that is a large part of the state.
   */
  deltaShare?(): number;
  /** Streams `snapshotState()` into `w` (same bytes as encoding it). */
  writeState?(w: StateWriter): void;
  /** Approximate count of rows held in state (for metrics and memory budgeting). */
  stateSize(): number;
}

/** Base for stateless operators. */
export abstract class StatelessOperator implements Operator {
  abstract process(port: number, batch: ChangeBatch, out: ChangeBatch): void;
  finishBatch(_out: ChangeBatch): void {}
  snapshotState(): StateValue {
    return null;
  }
  restoreState(_state: StateValue): void {}
  stateSize(): number {
    return 0;
  }
}
