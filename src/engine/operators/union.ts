import type { ChangeBatch } from '../../core/batch.js';
import { StatelessOperator } from '../operator.js';

/**
 * UNION ALL: every change of every input port, unchanged and in arrival order. No state.
 * Each port's batch is appended as it comes (the engine calls ports in port order).
 */
export class UnionOperator extends StatelessOperator {
  process(_port: number, batch: ChangeBatch, out: ChangeBatch): void {
    out.append(batch);
  }
}
