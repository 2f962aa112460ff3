import { StrataError } from '../../../core/errors.js';
import type { AggCall } from '../../../core/plan.js';
import { formatType, type SqlType } from '../../../core/types.js';
import type { AggregateFunction } from './accumulator.js';
import { AvgFunction } from './avg.js';
import { CountFunction } from './count.js';
import { DistinctFunction } from './distinct.js';
import { MinMaxFunction } from './min-max.js';
import { SumFunction } from './sum.js';

export interface AggregateFunctionOptions {
  /** The input never retracts: MIN/MAX may keep only the extreme. */
  readonly insertOnlyInput?: boolean;
}

/**
 * Prepares one aggregate call of a plan: checks its arguments against the input types
 * and picks the accumulator. Throws INTERNAL for calls the binder should have rejected
 * (wrong arity, non-numeric SUM/AVG argument).
 */
export function createAggregateFunction(
  call: AggCall,
  inputTypes: readonly SqlType[],
  options: AggregateFunctionOptions = {},
): AggregateFunction {
  for (const a of call.args) {
    if (!Number.isInteger(a) || a < 0 || a >= inputTypes.length) {
      throw new StrataError('INTERNAL', `aggregate ${call.name} (${call.fn}) refers to input field ${a}, but the input has ${inputTypes.length} fields`);
    }
  }
  if (call.filter !== null) {
    const ft = inputTypes[call.filter];
    if (ft === undefined || (ft.kind !== 'BOOLEAN' && ft.kind !== 'NULL')) {
      throw new StrataError('INTERNAL', `aggregate ${call.name}: its FILTER must be a BOOLEAN input field, got field ${call.filter}${ft === undefined ? '' : ' of type ' + formatType(ft)}`);
    }
  }
  let fn: AggregateFunction;
  switch (call.fn) {
    case 'COUNT':
      fn = new CountFunction(call.type);
      break;
    case 'SUM':
    case 'SUM0':
      fn = new SumFunction(singleArg(call, inputTypes), call.type, call.fn === 'SUM0');
      break;
    case 'AVG':
      fn = new AvgFunction(singleArg(call, inputTypes), call.type);
      break;
    case 'MIN':
    case 'MAX':
      singleArg(call, inputTypes);
      // DISTINCT does not change MIN or MAX.
      return new MinMaxFunction(call.fn === 'MAX', options.insertOnlyInput === true);
  }
  return call.distinct ? new DistinctFunction(fn) : fn;
}

function singleArg(call: AggCall, inputTypes: readonly SqlType[]): SqlType {
  if (call.args.length !== 1) {
    throw new StrataError('INTERNAL', `aggregate ${call.name}: ${call.fn} takes one argument, got ${call.args.length}`);
  }
  return inputTypes[call.args[0]!]!;
}
