import type { ChangeBatch } from '../core/batch.js';
import type { StateValue } from './state/codec.js';

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
 */
export interface Operator {
  process(port: number, batch: ChangeBatch, out: ChangeBatch): void;
  finishBatch(out: ChangeBatch): void;
  snapshotState(): StateValue;
  restoreState(state: StateValue): void;
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
