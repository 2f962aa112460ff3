import { StrataError } from '../../core/errors.js';
import type { Key } from '../../core/values.js';
import type { StateValue } from './codec.js';

/**
 * What changed in one keyed state since its last snapshot (an incremental checkpoint's
 * part for that state): `set` holds each changed key with its whole new entry, encoded as
 * in a full snapshot; `removed` the keys that no longer exist. A key is in at most one of
 * the two. Applying it to the state at the previous snapshot gives the state now.
 */
export type StateDelta = {
  readonly set: ReadonlyMap<Key, StateValue>;
  readonly removed: readonly Key[];
};

/** Reads a `StateDelta` back (after a trip through the codec); a malformed one is a STATE error. */
export function readDelta(v: StateValue, what: string): StateDelta {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Map || v instanceof Uint8Array) {
    throw badDelta(what, 'it is not a record');
  }
  const rec = v as { readonly [k: string]: StateValue };
  const set = rec['set'];
  const removed = rec['removed'];
  if (!(set instanceof Map)) throw badDelta(what, "its 'set' is not a map");
  if (!Array.isArray(removed)) throw badDelta(what, "its 'removed' is not a list");
  for (const k of removed as readonly StateValue[]) {
    if (k !== null && typeof k !== 'boolean' && typeof k !== 'number' && typeof k !== 'bigint' && typeof k !== 'string') {
      throw badDelta(what, 'a removed key is not a key');
    }
  }
  return { set: set as ReadonlyMap<Key, StateValue>, removed: removed as readonly Key[] };
}

export function badDelta(what: string, detail: string): StrataError {
  return new StrataError('STATE', `cannot apply an incremental checkpoint to ${what}: ${detail}`, {
    hint: 'The checkpoint chain does not belong to this job version or is damaged; restart the job from scratch (or move the checkpoint directory away).',
  });
}
