import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import { parseMemorySize } from '../../core/options.js';
import type { Row, Value } from '../../core/values.js';
import { SpillStore, type SpillSpace } from './spill-store.js';

/**
 * One keyed state that can move entries between memory and the spill store: the join's
 * `KeyedMultiset` sides and the `SpillableMap`s of the other operators.
 */
export interface SpillableTier {
  readonly label: string;
  /** Approximate heap bytes of the entries held in memory. */
  hotBytes(): number;
  /** Rows held in memory / on disk (duplicates counted), for metrics. */
  hotRows(): number;
  spilledRows(): number;
  /** False while the owner is inside a step and holds references to its entries. */
  evictable(): boolean;
  /**
   * Writes least recently used entries to the spill store and drops them from memory
   * until about `bytes` are freed (or nothing more can go); returns the bytes freed.
   */
  evict(bytes: number): number;
}

/** What a stateful operator's constructor takes about where its state may live. */
export interface OperatorStateOptions {
  /**
   * The memory budget the operator's keyed state counts against; past it, state spills
   * to the budget's on-disk store. Absent: everything stays in memory (no overhead).
   */
  readonly budget?: StateBudget | undefined;
}

/** Where the budget and the name of a keyed state come from. */
export interface KeyedStateOptions {
  readonly budget: StateBudget;
  /** Names the state in metrics and errors, e.g. `join node 4 left`. */
  readonly label: string;
}

/** Per-tier figures, for metrics. */
export interface StateTierStats {
  readonly label: string;
  readonly hotRows: number;
  readonly spilledRows: number;
  readonly hotBytes: number;
}

export interface StateBudgetStats {
  /** The budget in bytes (Infinity: unlimited). */
  readonly limitBytes: number;
  readonly hotBytes: number;
  readonly hotRows: number;
  readonly spilledRows: number;
  /** Eviction rounds so far. */
  readonly evictions: number;
  readonly tiers: readonly StateTierStats[];
}

export interface StateBudgetOptions {
  /** Bytes of operator state kept in memory; past it, state spills. Infinity: never spill. */
  readonly limitBytes: number;
  /** Parent directory of the spill store (the OS temp directory by default). */
  readonly dir?: string | undefined;
  /**
   * A spill store to share (e.g. one per process for every job's budget); the budget then
   * does not close it. By default the budget makes and owns its own (`dir` applies).
   */
  readonly store?: SpillStore | undefined;
}

/** An eviction round frees down to this fraction of the budget, so rounds stay rare. */
const LOW_WATER = 0.85;

/**
 * The memory budget of the operator state of one job (or any set of operators that
 * share it), and the spill store behind it.
 *
 * Operators call `check()` at their safe points (after a batch, outside any reference
 * to their entries). While the approximate bytes held in memory by every registered
 * tier stay under the limit, `check()` is a sum over a few tiers and nothing else
 * happens: the disk is not even opened. Past the limit, it evicts from the largest
 * evictable tier first (each tier evicts its least recently used entries) down to 85%
 * of the budget.
 *
 * Sizes are estimates (sampled row sizes plus fixed per-entry overheads), not V8's
 * accounting; see docs/design/20261121_operators-and-state.md.
 *
 * Lifecycle: one budget per job, made before its graph and passed in `GraphDeps`;
 * `close()` when the job stops (removes the spill directory).
 */
export class StateBudget {
  readonly limitBytes: number;
  readonly store: SpillStore;
  readonly #ownsStore: boolean;
  readonly #tiers: SpillableTier[] = [];
  #evictions = 0;
  #checking = false;

  constructor(options: StateBudgetOptions) {
    if (!(options.limitBytes > 0)) {
      throw new StrataError('INTERNAL', `a state memory budget must be positive, got ${options.limitBytes}`);
    }
    this.limitBytes = options.limitBytes;
    this.#ownsStore = options.store === undefined;
    this.store = options.store ?? new SpillStore({ dir: options.dir });
  }

  /** True when a limit is set (spilling can happen). */
  get bounded(): boolean {
    return this.limitBytes !== Infinity;
  }

  /** Registers a tier; returns its namespace in the spill store. */
  register(tier: SpillableTier): SpillSpace {
    this.#tiers.push(tier);
    return this.store.space(tier.label);
  }

  /** Approximate bytes held in memory by every tier. */
  hotBytes(): number {
    const tiers = this.#tiers;
    let sum = 0;
    for (let i = 0; i < tiers.length; i++) sum += tiers[i]!.hotBytes();
    return sum;
  }

  /** Evicts when the tiers hold more than the budget. Call between batches only. */
  check(): void {
    if (this.limitBytes === Infinity || this.#checking) return;
    let used = this.hotBytes();
    if (used <= this.limitBytes) return;
    this.#checking = true;
    try {
      this.#evictions++;
      const target = this.limitBytes * LOW_WATER;
      const tried = new Set<SpillableTier>();
      while (used > target) {
        let victim: SpillableTier | null = null;
        let most = 0;
        for (const t of this.#tiers) {
          if (tried.has(t) || !t.evictable()) continue;
          const b = t.hotBytes();
          if (b > most) {
            most = b;
            victim = t;
          }
        }
        if (victim === null) break;
        const freed = victim.evict(Math.min(used - target, most));
        if (freed <= 0) tried.add(victim);
        used = this.hotBytes();
      }
    } finally {
      this.#checking = false;
    }
  }

  stats(): StateBudgetStats {
    const tiers: StateTierStats[] = [];
    let hotBytes = 0;
    let hotRows = 0;
    let spilledRows = 0;
    for (const t of this.#tiers) {
      const s = { label: t.label, hotRows: t.hotRows(), spilledRows: t.spilledRows(), hotBytes: t.hotBytes() };
      tiers.push(s);
      hotBytes += s.hotBytes;
      hotRows += s.hotRows;
      spilledRows += s.spilledRows;
    }
    return { limitBytes: this.limitBytes, hotBytes, hotRows, spilledRows, evictions: this.#evictions, tiers };
  }

  /**
   * Closes the spill store (when the budget owns it) and removes its directory. The
   * operators of the budget must not be used afterwards.
   */
  close(): Promise<void> {
    return this.#ownsStore ? this.store.close() : Promise.resolve();
  }
}

/**
 * The budget named by the session setting `state.memory-budget` (`'256mb'`, `'1g'`,
 * `'65536'` bytes; Flink's memory size syntax). Undefined, empty or `'unlimited'`: no
 * budget (state stays in memory, today's behaviour), returned as undefined.
 */
export function stateBudgetFromSetting(text: string | undefined, dir?: string): StateBudget | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'unlimited') return undefined;
  const bytes = parseMemorySize(t);
  if (bytes === null || bytes <= 0) {
    throw new StrataError('SQL_VALIDATION', `'state.memory-budget' = '${text}' is not a memory size`, {
      hint: "Use a positive size such as '64mb', '256mb' or '1g' (units: kb, mb, gb), or 'unlimited'.",
    });
  }
  return new StateBudget({ limitBytes: bytes, dir });
}

// ---------------------------------------------------------------------------
// Size estimates (V8, 64-bit, pointer compression off: 8-byte slots).
// ---------------------------------------------------------------------------

/** Heap bytes of one value outside its slot in a row. */
export function approxValueBytes(v: Value | undefined): number {
  if (v === null || v === undefined) return 0;
  switch (typeof v) {
    case 'number':
      return (v | 0) === v ? 0 : 16;
    case 'bigint':
      return 24;
    case 'string':
      return 24 + v.length;
    case 'boolean':
      return 0;
    default:
      return v instanceof Decimal ? 72 : 96 + v.length;
  }
}

/** Heap bytes of a row: the array, its slots and its values. */
export function approxRowBytes(row: Row): number {
  let n = 32 + 8 * row.length;
  for (let i = 0; i < row.length; i++) n += approxValueBytes(row[i]);
  return n;
}
