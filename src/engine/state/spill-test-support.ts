import type { Key } from '../../core/values.js';
import { encodeState, type StateValue } from './codec.js';

/** A plain, comparable form of a state. */
export type CanonicalState = string | readonly CanonicalState[] | { readonly [k: string]: CanonicalState };

/**
 * State in a form that `assert.deepEqual` compares by content: Maps become their entries
 * sorted by encoded key (a spilling state lists its groups in another order than an
 * in-memory one; within a group the order is kept), leaves become their encoding in hex.
 * For tests of the spill tier.
 */
export function canonicalState(v: StateValue): CanonicalState {
  if (v instanceof Map) {
    const entries: [string, CanonicalState][] = [];
    for (const [k, x] of v as ReadonlyMap<Key, StateValue>) entries.push([encodeState(k).toString('hex'), canonicalState(x)]);
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return ['map', ...entries.map(([k, x]) => [k, x])];
  }
  if (Array.isArray(v)) return ['list', ...(v as readonly StateValue[]).map(canonicalState)];
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && v.constructor === Object) {
    const rec = v as { readonly [k: string]: StateValue };
    const out: { [k: string]: CanonicalState } = {};
    for (const k of Object.keys(rec).sort()) out[k] = canonicalState(rec[k]!);
    return out;
  }
  return encodeState(v).toString('hex');
}
