import type { ChangeBatch } from '../../core/batch.js';
import { UPDATE_BEFORE } from '../../core/row-kind.js';
import { StatelessOperator } from '../operator.js';

/**
 * Drops UPDATE_BEFORE (-U) changes and passes +I, +U and -D on unchanged. Placed before
 * an upsert sink keyed like its input: the +U that follows a -U replaces the row by key,
 * so the -U carries nothing the sink needs. No state.
 */
export class DropUpdateBeforeOperator extends StatelessOperator {
  process(_port: number, batch: ChangeBatch, out: ChangeBatch): void {
    const kinds = batch.kinds;
    const rows = batch.rows;
    for (let i = 0; i < rows.length; i++) {
      const kind = kinds[i]!;
      if (kind !== UPDATE_BEFORE) out.push(kind, rows[i]!);
    }
  }
}
