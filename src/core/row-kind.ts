/**
 * Flink's RowKind: every change in a stream is one of these. Numbers, not strings, so a
 * batch can hold them in a byte array.
 */
export const INSERT = 0;
export const UPDATE_BEFORE = 1;
export const UPDATE_AFTER = 2;
export const DELETE = 3;

export type RowKind = typeof INSERT | typeof UPDATE_BEFORE | typeof UPDATE_AFTER | typeof DELETE;

/** Short names as Flink prints them (`+I`, `-U`, `+U`, `-D`). */
export const ROW_KIND_SHORT = ['+I', '-U', '+U', '-D'] as const;

/** True for +I and +U (the row is now present); false for -U and -D (retractions). */
export function isAccumulate(kind: RowKind): boolean {
  return kind === INSERT || kind === UPDATE_AFTER;
}

export function parseRowKind(text: string): RowKind | null {
  const i = (ROW_KIND_SHORT as readonly string[]).indexOf(text);
  return i < 0 ? null : (i as RowKind);
}

/**
 * A changelog mode: which kinds a stream may carry (Flink's ChangelogMode).
 * - insert-only: [I]
 * - upsert: [I, UA, D] with a key (no UB: an UA replaces the row with the same key)
 * - retract (all): [I, UB, UA, D]
 */
export interface ChangelogMode {
  readonly insert: boolean;
  readonly updateBefore: boolean;
  readonly updateAfter: boolean;
  readonly delete: boolean;
}

export const INSERT_ONLY: ChangelogMode = { insert: true, updateBefore: false, updateAfter: false, delete: false };
export const UPSERT: ChangelogMode = { insert: true, updateBefore: false, updateAfter: true, delete: true };
export const ALL_CHANGES: ChangelogMode = { insert: true, updateBefore: true, updateAfter: true, delete: true };

export function isInsertOnly(m: ChangelogMode): boolean {
  return !m.updateBefore && !m.updateAfter && !m.delete;
}

/** Flink's EXPLAIN spelling: `I,UB,UA,D`. */
export function formatChangelogMode(m: ChangelogMode): string {
  const parts: string[] = [];
  if (m.insert) parts.push('I');
  if (m.updateBefore) parts.push('UB');
  if (m.updateAfter) parts.push('UA');
  if (m.delete) parts.push('D');
  return parts.join(',');
}
