import type { ChangeBatch } from '../../core/batch.js';
import { isStrataError, StrataError } from '../../core/errors.js';
import type { StreamCalc } from '../../core/plan.js';
import { compileCalcBatch, type CalcBatch, type EvalContext } from '../expr/compile.js';
import { StatelessOperator } from '../operator.js';

/**
 * Projection and filter (Flink's Calc): for each change, evaluates the condition over the
 * input row and, when it is TRUE, emits the projected row with the same change kind
 * (+I, -U, +U, -D all pass through unchanged in kind). No state.
 *
 * Retractions are filtered by the same predicate as the rows they retract, so a
 * deterministic condition keeps the changelog consistent; a condition that calls a
 * non-deterministic function (RAND, NOW) can drop a -U/-D whose +I/+U passed, as in Flink.
 *
 * An evaluation error (division by zero, a failed CAST) fails the job with a RUNTIME
 * StrataError that names the calc node.
 *
 * The per-batch loop is generated once per node (`compileCalcBatch`).
 */
export class CalcOperator extends StatelessOperator {
  readonly #calc: CalcBatch;
  readonly #nodeId: number;

  constructor(node: StreamCalc, ctx?: EvalContext) {
    super();
    this.#calc = compileCalcBatch(node.projections, node.condition, ctx);
    this.#nodeId = node.id;
  }

  process(_port: number, batch: ChangeBatch, out: ChangeBatch): void {
    try {
      this.#calc(batch.kinds, batch.rows, out.kinds, out.rows);
    } catch (e) {
      if (isStrataError(e)) {
        if (e.code !== 'RUNTIME') throw e;
        throw new StrataError('RUNTIME', `calc node ${this.#nodeId}: ${e.bare}`, {
          ...(e.hint !== undefined ? { hint: e.hint } : {}),
          cause: e,
        });
      }
      const msg = e instanceof Error ? e.message : String(e);
      throw new StrataError('INTERNAL', `calc node ${this.#nodeId} failed on a row: ${msg}`, { cause: e });
    }
  }
}
