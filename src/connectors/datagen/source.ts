import { ChangeBatch } from '../../core/batch.js';
import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import { closestOption, tableLocation, validateOptions, type ValidatedOptions } from '../../core/options.js';
import type { TableDescriptor } from '../../core/plan.js';
import { ALL_CHANGES, DELETE, INSERT, INSERT_ONLY, UPDATE_AFTER, UPDATE_BEFORE, type RowKind } from '../../core/row-kind.js';
import { formatType, MAX_LENGTH, type SqlType } from '../../core/types.js';
import { keyOf, MICROS_PER_DAY, type Key, type Row, type Value } from '../../core/values.js';
import type { ConnectorContext, SourceReader } from '../../engine/connector.js';
import type { StateValue } from '../../engine/state/codec.js';
import type { ConnectorDefinition } from '../registry.js';
import { DATAGEN_SPEC } from './options.js';
import { RateLimiter, systemClock, type SourceClock } from './rate-limiter.js';
import { SeededRandom } from './random.js';

/** The instant rows of one poll are generated at, in every representation a type needs. */
interface GenTime {
  /** Epoch microseconds (TIMESTAMP_LTZ). */
  utcMicros: bigint;
  /** Local wall-clock microseconds since 1970-01-01 00:00 (TIMESTAMP). */
  localMicros: bigint;
  /** Local date, days since the epoch (DATE). */
  localDays: number;
  /** Local time of day, microseconds (TIME). */
  localTimeMicros: number;
}

/** Generates the value of one field for the row at `position` (0-based, counted over the whole run). */
type FieldGenerator = (rng: SeededRandom, time: GenTime, position: number) => Value;

interface FieldPlan {
  readonly generate: FieldGenerator;
  /** Probability of NULL (random fields only). */
  readonly nullRate: number;
}

/** What a datagen table generates: one generator per column and the row count (Infinity when unbounded). */
export interface DatagenPlan {
  readonly fields: readonly FieldPlan[];
  readonly totalRows: number;
  readonly rowsPerSecond: number;
  readonly seed: number | undefined;
  /** Changelog extension: fractions of updates and deletes of live rows (0 = insert-only). */
  readonly updateRatio: number;
  readonly deleteRatio: number;
  /** Primary key column indices (needed when the ratios are not 0). */
  readonly key: readonly number[];
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const DEFAULT_STRING_LENGTH = 100;

const SMALL_INT_RANGE: Partial<Record<SqlType['kind'], [number, number]>> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
};
const BIGINT_MIN = -(2n ** 63n);
const BIGINT_MAX = 2n ** 63n - 1n;
const FLOAT_MIN_VALUE = 1.401298464324817e-45;
const FLOAT_MAX_VALUE = 3.4028234663852886e38;

type Applicability = { kinds: readonly ('random' | 'sequence')[]; types: (t: SqlType) => boolean };

const isNumericKind = (t: SqlType): boolean =>
  t.kind === 'TINYINT' || t.kind === 'SMALLINT' || t.kind === 'INT' || t.kind === 'BIGINT' || t.kind === 'FLOAT' || t.kind === 'DOUBLE' || t.kind === 'DECIMAL';

/** Which per-field options apply to which field kinds and types (others are rejected, as Flink does). */
const FIELD_OPTIONS: Record<string, Applicability> = {
  kind: { kinds: ['random', 'sequence'], types: () => true },
  'null-rate': { kinds: ['random'], types: () => true },
  min: { kinds: ['random'], types: isNumericKind },
  max: { kinds: ['random'], types: isNumericKind },
  'max-past': { kinds: ['random'], types: (t) => t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ' },
  length: { kinds: ['random'], types: (t) => t.kind === 'VARCHAR' || t.kind === 'VARBINARY' },
  'var-len': { kinds: ['random'], types: (t) => t.kind === 'VARCHAR' || t.kind === 'VARBINARY' },
  start: { kinds: ['sequence'], types: (t) => isNumericKind(t) || t.kind === 'CHAR' || t.kind === 'VARCHAR' },
  end: { kinds: ['sequence'], types: (t) => isNumericKind(t) || t.kind === 'CHAR' || t.kind === 'VARCHAR' },
};

/**
 * Checks a datagen table's options against its columns and compiles one generator per
 * column. Throws CONNECTOR_OPTION for options naming no column, options that do not
 * apply to a column's type or kind, malformed or out-of-range min/max/start/end, and
 * sequences without start or end.
 */
export function compileDatagen(table: TableDescriptor, opts: ValidatedOptions): DatagenPlan {
  const fields = table.schema.fields;
  const kinds = new Map<number, 'random' | 'sequence'>();
  // Every `fields.<name>.<option>` must name a column and apply to it.
  for (const key of Object.keys(opts.raw)) {
    if (!key.startsWith('fields.')) continue;
    const dot = key.lastIndexOf('.');
    const name = key.slice('fields.'.length, dot);
    const index = columnIndex(table, name);
    if (index < 0) {
      const guess = closestOption(name, fields.map((f) => f.name));
      throw opts.invalid(
        key,
        `there is no column \`${name}\``,
        `${guess !== undefined ? `Did you mean \`${guess}\`? ` : ''}Columns: ${fields.map((f) => f.name).join(', ')}.`,
      );
    }
  }
  for (let i = 0; i < fields.length; i++) {
    const kind = (fieldOption(opts, table, i, 'kind', (k) => opts.enum(k)) ?? 'random') as 'random' | 'sequence';
    kinds.set(i, kind);
  }
  for (const key of Object.keys(opts.raw)) {
    if (!key.startsWith('fields.')) continue;
    const dot = key.lastIndexOf('.');
    const index = columnIndex(table, key.slice('fields.'.length, dot));
    const option = key.slice(dot + 1);
    const field = fields[index]!;
    const kind = kinds.get(index)!;
    const rule = FIELD_OPTIONS[option]!;
    if (!rule.kinds.includes(kind) || !rule.types(field.type)) {
      const applicable = Object.keys(FIELD_OPTIONS).filter((o) => FIELD_OPTIONS[o]!.kinds.includes(kind) && FIELD_OPTIONS[o]!.types(field.type));
      throw opts.invalid(
        key,
        `it does not apply to field \`${field.name}\` of type ${formatType(field.type)} with kind '${kind}'`,
        `Options for this field: ${applicable.map((o) => `fields.${field.name}.${o}`).join(', ')}.`,
      );
    }
  }

  let totalRows = opts.long('number-of-rows') ?? Infinity;
  const plans: FieldPlan[] = [];
  for (let i = 0; i < fields.length; i++) {
    const kind = kinds.get(i)!;
    if (kind === 'sequence') {
      const { plan, count } = compileSequence(table, opts, i);
      plans.push(plan);
      if (count < totalRows) totalRows = count;
    } else {
      plans.push(compileRandom(table, opts, i));
    }
  }
  const updateRatio = opts.double('changelog.update-ratio') ?? 0;
  const deleteRatio = opts.double('changelog.delete-ratio') ?? 0;
  const key = table.primaryKey ?? [];
  if ((updateRatio > 0 || deleteRatio > 0) && key.length === 0) {
    throw opts.invalid(
      updateRatio > 0 ? 'changelog.update-ratio' : 'changelog.delete-ratio',
      'updates and deletes need a PRIMARY KEY to say which row changes',
      'Declare PRIMARY KEY (...) NOT ENFORCED on the table.',
    );
  }
  if (updateRatio + deleteRatio > 1) {
    throw opts.invalid('changelog.delete-ratio', `'changelog.update-ratio' + 'changelog.delete-ratio' is ${updateRatio + deleteRatio}, more than 1`, 'Make the two ratios add up to at most 1.');
  }
  return { fields: plans, totalRows, rowsPerSecond: opts.long('rows-per-second')!, seed: opts.long('seed'), updateRatio, deleteRatio, key };
}

function columnIndex(table: TableDescriptor, name: string): number {
  const fields = table.schema.fields;
  for (let i = 0; i < fields.length; i++) if (fields[i]!.name === name) return i;
  const lower = name.toLowerCase();
  for (let i = 0; i < fields.length; i++) if (fields[i]!.name.toLowerCase() === lower) return i;
  return -1;
}

/** The written key of option `option` of column `i` (exact or case-insensitive column name), if any. */
function fieldKey(opts: ValidatedOptions, table: TableDescriptor, i: number, option: string): string {
  const name = table.schema.fields[i]!.name;
  const exact = `fields.${name}.${option}`;
  if (opts.has(exact)) return exact;
  for (const key of Object.keys(opts.raw)) {
    if (key.startsWith('fields.') && key.endsWith('.' + option) && columnIndex(table, key.slice(7, key.length - option.length - 1)) === i) return key;
  }
  return exact;
}

function fieldOption<T>(opts: ValidatedOptions, table: TableDescriptor, i: number, option: string, get: (key: string) => T | undefined): T | undefined {
  return get(fieldKey(opts, table, i, option));
}

function compileRandom(table: TableDescriptor, opts: ValidatedOptions, i: number): FieldPlan {
  const field = table.schema.fields[i]!;
  const type = field.type;
  const nullRateKey = fieldKey(opts, table, i, 'null-rate');
  const nullRate = opts.double(nullRateKey) ?? 0;
  if (nullRate > 0 && !type.nullable) {
    throw opts.invalid(nullRateKey, `field \`${field.name}\` is NOT NULL`, 'Remove the option or make the column nullable.');
  }
  const minKey = fieldKey(opts, table, i, 'min');
  const maxKey = fieldKey(opts, table, i, 'max');
  const minText = opts.string(minKey);
  const maxText = opts.string(maxKey);
  let generate: FieldGenerator;
  switch (type.kind) {
    case 'BOOLEAN':
      generate = (rng) => rng.nextUint32() < 0x80000000;
      break;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT': {
      const [lo, hi] = SMALL_INT_RANGE[type.kind]!;
      const min = minText === undefined ? lo : parseSmallInt(opts, minKey, minText, lo, hi, type);
      const max = maxText === undefined ? hi : parseSmallInt(opts, maxKey, maxText, lo, hi, type);
      if (min > max) throw opts.invalid(minKey, `min ${min} is greater than max ${max}`);
      generate = (rng) => rng.nextInt(min, max);
      break;
    }
    case 'BIGINT': {
      const min = minText === undefined ? BIGINT_MIN : parseBigint(opts, minKey, minText, BIGINT_MIN, BIGINT_MAX, type);
      const max = maxText === undefined ? BIGINT_MAX : parseBigint(opts, maxKey, maxText, BIGINT_MIN, BIGINT_MAX, type);
      if (min > max) throw opts.invalid(minKey, `min ${min} is greater than max ${max}`);
      generate = (rng) => rng.nextBigint(min, max);
      break;
    }
    case 'FLOAT':
    case 'DOUBLE': {
      const isFloat = type.kind === 'FLOAT';
      const min = minText === undefined ? (isFloat ? FLOAT_MIN_VALUE : Number.MIN_VALUE) : parseDouble(opts, minKey, minText);
      const max = maxText === undefined ? (isFloat ? FLOAT_MAX_VALUE : Number.MAX_VALUE) : parseDouble(opts, maxKey, maxText);
      if (min > max) throw opts.invalid(minKey, `min ${min} is greater than max ${max}`);
      generate = isFloat
        ? (rng) => {
            const r = rng.nextDouble();
            return Math.fround(min * (1 - r) + max * r);
          }
        : (rng) => {
            const r = rng.nextDouble();
            return min * (1 - r) + max * r;
          };
      break;
    }
    case 'DECIMAL': {
      const p = type.precision ?? 10;
      const s = type.scale ?? 0;
      const limit = 10n ** BigInt(p) - 1n;
      const min = minText === undefined ? -limit : parseDecimal(opts, minKey, minText, p, s).unscaled;
      const max = maxText === undefined ? limit : parseDecimal(opts, maxKey, maxText, p, s).unscaled;
      if (min > max) throw opts.invalid(minKey, `min ${minText ?? ''} is greater than max ${maxText ?? ''}`);
      generate = (rng) => new Decimal(rng.nextBigint(min, max), s);
      break;
    }
    case 'CHAR':
    case 'VARCHAR': {
      const { length, varLen } = lengthOf(opts, table, i);
      generate = (rng) => randomString(rng, varLen && length > 0 ? rng.nextInt(1, length) : length);
      break;
    }
    case 'BINARY':
    case 'VARBINARY': {
      const { length, varLen } = lengthOf(opts, table, i);
      generate = (rng) => randomBytes(rng, varLen && length > 0 ? rng.nextInt(1, length) : length);
      break;
    }
    case 'DATE':
      generate = (_rng, time) => time.localDays;
      break;
    case 'TIME': {
      const unit = precisionUnit(type.precision ?? 0);
      generate = (_rng, time) => time.localTimeMicros - (time.localTimeMicros % unit);
      break;
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const pastMicros = BigInt(Math.round((opts.duration(fieldKey(opts, table, i, 'max-past')) ?? 0) * 1000));
      const unit = BigInt(precisionUnit(type.precision ?? 6));
      const local = type.kind === 'TIMESTAMP';
      generate = (rng, time) => {
        const now = local ? time.localMicros : time.utcMicros;
        const v = pastMicros === 0n ? now : now - rng.nextBigint(0n, pastMicros);
        return v - (((v % unit) + unit) % unit);
      };
      break;
    }
    case 'NULL':
      generate = () => null;
      break;
  }
  return { generate, nullRate };
}

function lengthOf(opts: ValidatedOptions, table: TableDescriptor, i: number): { length: number; varLen: boolean } {
  const type = table.schema.fields[i]!.type;
  const declared = type.precision ?? 1;
  if (type.kind === 'CHAR' || type.kind === 'BINARY') return { length: declared, varLen: false };
  const key = fieldKey(opts, table, i, 'length');
  const given = opts.int(key);
  if (given !== undefined && declared !== MAX_LENGTH && given > declared) {
    throw opts.invalid(key, `length ${given} is longer than the ${declared} declared by ${formatType(type)}`);
  }
  const length = given ?? Math.min(DEFAULT_STRING_LENGTH, declared);
  return { length, varLen: opts.boolean(fieldKey(opts, table, i, 'var-len')) ?? false };
}

/** Microseconds per unit of a fractional-second precision (6 and above: 1). */
function precisionUnit(precision: number): number {
  return precision >= 6 ? 1 : 10 ** (6 - precision);
}

function randomString(rng: SeededRandom, length: number): string {
  let s = '';
  for (let j = 0; j < length; j++) s += ALPHANUMERIC[rng.nextUint32() % 62]!;
  return s;
}

function randomBytes(rng: SeededRandom, length: number): Uint8Array {
  const b = new Uint8Array(length);
  for (let j = 0; j < length; j++) b[j] = rng.nextUint32() & 0xff;
  return b;
}

function parseSmallInt(opts: ValidatedOptions, key: string, text: string, lo: number, hi: number, type: SqlType): number {
  if (!/^\s*[+-]?\d+\s*$/.test(text)) throw opts.invalid(key, `'${text}' is not a value of type ${formatType(type)}`);
  const n = Number(text);
  if (n < lo || n > hi) throw opts.invalid(key, `${text} is out of the range of ${formatType(type)} [${lo}, ${hi}]`);
  return n;
}

function parseBigint(opts: ValidatedOptions, key: string, text: string, lo: bigint, hi: bigint, type: SqlType): bigint {
  if (!/^\s*[+-]?\d+\s*$/.test(text)) throw opts.invalid(key, `'${text}' is not a value of type ${formatType(type)}`);
  const n = BigInt(text.trim());
  if (n < lo || n > hi) throw opts.invalid(key, `${text} is out of the range of ${formatType(type)} [${lo}, ${hi}]`);
  return n;
}

function parseDouble(opts: ValidatedOptions, key: string, text: string): number {
  const n = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(n)) throw opts.invalid(key, `'${text}' is not a number`);
  return n;
}

function parseDecimal(opts: ValidatedOptions, key: string, text: string, p: number, s: number): Decimal {
  const d = Decimal.parse(text);
  if (d === null) throw opts.invalid(key, `'${text}' is not a decimal number`);
  if (!d.fits(p, s)) throw opts.invalid(key, `${text} does not fit DECIMAL(${p}, ${s})`);
  return d.rescale(s);
}

function compileSequence(table: TableDescriptor, opts: ValidatedOptions, i: number): { plan: FieldPlan; count: number } {
  const field = table.schema.fields[i]!;
  const type = field.type;
  const startKey = fieldKey(opts, table, i, 'start');
  const endKey = fieldKey(opts, table, i, 'end');
  if (!FIELD_OPTIONS['start']!.types(type)) {
    throw opts.invalid(fieldKey(opts, table, i, 'kind'), `a sequence cannot generate type ${formatType(type)}`, 'Use a numeric or character column, or the random kind.');
  }
  const startText = opts.string(startKey);
  const endText = opts.string(endKey);
  if (startText === undefined) throw opts.missing(startKey, `field \`${field.name}\` is a sequence`);
  if (endText === undefined) throw opts.missing(endKey, `field \`${field.name}\` is a sequence`);
  let generate: FieldGenerator;
  let count: number;
  switch (type.kind) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT': {
      const [lo, hi] = SMALL_INT_RANGE[type.kind]!;
      const start = parseSmallInt(opts, startKey, startText, lo, hi, type);
      const end = parseSmallInt(opts, endKey, endText, lo, hi, type);
      if (start > end) throw opts.invalid(startKey, `start ${start} is greater than end ${end}`);
      generate = (_rng, _time, pos) => start + pos;
      count = end - start + 1;
      break;
    }
    case 'BIGINT':
    case 'CHAR':
    case 'VARCHAR': {
      const bigType: SqlType = { kind: 'BIGINT', nullable: true };
      const start = parseBigint(opts, startKey, startText, BIGINT_MIN, BIGINT_MAX, type.kind === 'BIGINT' ? type : bigType);
      const end = parseBigint(opts, endKey, endText, BIGINT_MIN, BIGINT_MAX, type.kind === 'BIGINT' ? type : bigType);
      if (start > end) throw opts.invalid(startKey, `start ${start} is greater than end ${end}`);
      if (type.kind === 'BIGINT') generate = (_rng, _time, pos) => start + BigInt(pos);
      else {
        const max = type.precision ?? 1;
        const widest = Math.max(String(start).length, String(end).length);
        if (widest > max) throw opts.invalid(endKey, `values of the sequence are longer than the ${max} characters of ${formatType(type)}`);
        generate = (_rng, _time, pos) => String(start + BigInt(pos));
      }
      count = Number(end - start + 1n);
      break;
    }
    case 'FLOAT':
    case 'DOUBLE': {
      const start = parseDouble(opts, startKey, startText);
      const end = parseDouble(opts, endKey, endText);
      if (start > end) throw opts.invalid(startKey, `start ${start} is greater than end ${end}`);
      const isFloat = type.kind === 'FLOAT';
      generate = (_rng, _time, pos) => (isFloat ? Math.fround(start + pos) : start + pos);
      count = Math.floor(end - start) + 1;
      break;
    }
    case 'DECIMAL': {
      const p = type.precision ?? 10;
      const s = type.scale ?? 0;
      const start = parseDecimal(opts, startKey, startText, p, s);
      const end = parseDecimal(opts, endKey, endText, p, s);
      if (start.compare(end) > 0) throw opts.invalid(startKey, `start ${startText} is greater than end ${endText}`);
      const step = 10n ** BigInt(s);
      generate = (_rng, _time, pos) => new Decimal(start.unscaled + BigInt(pos) * step, s);
      count = Number((end.unscaled - start.unscaled) / step + 1n);
      break;
    }
    default:
      throw new StrataError('INTERNAL', `datagen: no sequence generator for ${formatType(type)}`);
  }
  return { plan: { generate, nullRate: 0 }, count };
}

export interface DatagenSourceDeps {
  readonly clock?: SourceClock;
}

/**
 * The datagen source: emits rows as the rate allows since `open()` (or since a
 * restore), never more than `rows-per-second` on average and never a busy loop: when no
 * row is due, `ready()` sleeps until the next one is.
 *
 * Offsets: `{ rows, rng }`, the number of rows emitted (every sequence advances once per
 * row, so it is also the position of each sequence) and the random generator's state;
 * a restored reader continues the same sequences and, with a seed, the same random values.
 */
export class DatagenSource implements SourceReader {
  readonly plan: DatagenPlan;
  readonly #clock: SourceClock;
  readonly #limiter: RateLimiter;
  readonly #rng: SeededRandom;
  readonly #abort = new AbortController();
  readonly #ctx: ConnectorContext;
  readonly #time: GenTime = { utcMicros: 0n, localMicros: 0n, localDays: 0, localTimeMicros: 0 };
  /** Inserted rows so far: the position of every sequence. */
  #emitted = 0;
  /** Changes emitted so far (inserts, updates, deletes): what the rate limit counts. */
  #changes = 0;
  #opened = false;
  /** Changelog extension: rows inserted and not deleted, with random access by index. */
  readonly #liveKeys: Key[] = [];
  readonly #live = new Map<Key, { row: Row; index: number }>();

  constructor(table: TableDescriptor, ctx: ConnectorContext, deps: DatagenSourceDeps = {}) {
    const opts = validateOptions(DATAGEN_SPEC, table.options, tableLocation(table.path));
    this.plan = compileDatagen(table, opts);
    this.#ctx = ctx;
    this.#clock = deps.clock ?? systemClock;
    this.#limiter = new RateLimiter(this.plan.rowsPerSecond);
    this.#rng = new SeededRandom(this.plan.seed ?? Math.floor(Math.random() * 0x100000000) * 0x100000 + Math.floor(Math.random() * 0x100000));
  }

  get finished(): boolean {
    return this.#emitted >= this.plan.totalRows;
  }

  /** Rows emitted so far (including those before a restore). */
  get emitted(): number {
    return this.#emitted;
  }

  open(): Promise<void> {
    this.#opened = true;
    this.#limiter.reset(this.#clock.now(), this.#changes);
    return Promise.resolve();
  }

  poll(max: number): ChangeBatch | null {
    if (!this.#opened || this.finished) return null;
    const now = this.#clock.now();
    let n = Math.min(max, this.#limiter.available(now, this.#changes));
    if (this.plan.updateRatio > 0 || this.plan.deleteRatio > 0) {
      if (n <= 0) return null;
      this.#setTime(now);
      return this.#pollChangelog(n);
    }
    const left = this.plan.totalRows - this.#emitted;
    if (left < n) n = left;
    if (n <= 0) return null;
    this.#setTime(now);
    const fields = this.plan.fields;
    const width = fields.length;
    const rng = this.#rng;
    const time = this.#time;
    const kinds = new Array<RowKind>(n);
    const rows = new Array<Row>(n);
    let pos = this.#emitted;
    for (let r = 0; r < n; r++, pos++) {
      const row = new Array<Value>(width);
      for (let c = 0; c < width; c++) {
        const f = fields[c]!;
        row[c] = f.nullRate > 0 && rng.nextDouble() < f.nullRate ? null : f.generate(rng, time, pos);
      }
      kinds[r] = INSERT;
      rows[r] = row;
    }
    this.#emitted = pos;
    this.#changes += n;
    return new ChangeBatch(kinds, rows);
  }

  /** Generates a row at sequence position `pos`. */
  #row(pos: number): Value[] {
    const fields = this.plan.fields;
    const rng = this.#rng;
    const row = new Array<Value>(fields.length);
    for (let c = 0; c < fields.length; c++) {
      const f = fields[c]!;
      row[c] = f.nullRate > 0 && rng.nextDouble() < f.nullRate ? null : f.generate(rng, this.#time, pos);
    }
    return row;
  }

  #addLive(k: Key, row: Row): void {
    this.#live.set(k, { row, index: this.#liveKeys.length });
    this.#liveKeys.push(k);
  }

  #removeLive(k: Key): void {
    const e = this.#live.get(k)!;
    const last = this.#liveKeys.pop()!;
    if (last !== k) {
      this.#liveKeys[e.index] = last;
      this.#live.get(last)!.index = e.index;
    }
    this.#live.delete(k);
  }

  /**
   * Up to `n` changes: each one deletes a live row (`delete-ratio`), updates one
   * (`update-ratio`: -U old, +U new with the same key), or inserts a new row; an insert
   * whose random key is already live becomes an update of that row.
   */
  #pollChangelog(n: number): ChangeBatch | null {
    const out = new ChangeBatch();
    const rng = this.#rng;
    const { updateRatio, deleteRatio, key } = this.plan;
    let made = 0;
    // Rows, not changes, bound the batch: an update pair may pass `n` by one row, so a
    // replay that asks for exactly the rows an earlier poll returned stops at the same change.
    for (; out.length < n; made++) {
      // The source ends with its last insert: drawing on would make the tail depend on
      // where polls happen to end (and a replay differ from the original run).
      if (this.#emitted >= this.plan.totalRows) break;
      const live = this.#liveKeys.length;
      const r = rng.nextDouble();
      if (live > 0 && r < deleteRatio + updateRatio) {
        const k = this.#liveKeys[Math.floor(rng.nextDouble() * live)]!;
        const old = this.#live.get(k)!.row;
        if (r < deleteRatio) {
          out.push(DELETE, old);
          this.#removeLive(k);
        } else {
          const next = this.#row(this.#emitted);
          for (const i of key) next[i] = old[i]!;
          out.push(UPDATE_BEFORE, old);
          out.push(UPDATE_AFTER, next);
          this.#live.get(k)!.row = next;
        }
        continue;
      }
      if (this.#emitted >= this.plan.totalRows) break;
      const row = this.#row(this.#emitted);
      this.#emitted++;
      const k = keyOf(row, key);
      const existing = this.#live.get(k);
      if (existing !== undefined) {
        out.push(UPDATE_BEFORE, existing.row);
        out.push(UPDATE_AFTER, row);
        existing.row = row;
      } else {
        out.push(INSERT, row);
        this.#addLive(k, row);
      }
    }
    this.#changes += made;
    return out.length === 0 ? null : out;
  }

  ready(): Promise<void> {
    if (this.finished || this.#abort.signal.aborted || this.#ctx.signal.aborted) return Promise.resolve();
    const now = this.#clock.now();
    if (this.#limiter.available(now, this.#changes) > 0) return Promise.resolve();
    return this.#clock.sleep(this.#limiter.delayUntilNext(now, this.#changes), AbortSignal.any([this.#abort.signal, this.#ctx.signal]));
  }

  snapshotOffsets(): StateValue {
    const base = { rows: this.#emitted, changes: this.#changes, rng: this.#rng.state() };
    if (this.#liveKeys.length === 0) return base;
    return { ...base, live: this.#liveKeys.map((k) => [...this.#live.get(k)!.row]) };
  }

  restoreOffsets(offsets: StateValue): void {
    const o = offsets as { readonly rows?: StateValue; readonly rng?: StateValue } | null;
    if (o === null || typeof o !== 'object' || typeof o.rows !== 'number' || !Array.isArray(o.rng)) {
      throw new StrataError('STATE', `datagen source of job '${this.#ctx.jobName}': the checkpointed offsets are not datagen offsets`);
    }
    this.#emitted = o.rows;
    this.#changes = typeof (o as { changes?: StateValue }).changes === 'number' ? ((o as { changes: number }).changes) : o.rows;
    this.#rng.setState(o.rng as number[]);
    this.#live.clear();
    this.#liveKeys.length = 0;
    const live = (o as { live?: StateValue }).live;
    if (Array.isArray(live)) for (const r of live as readonly Row[]) this.#addLive(keyOf(r, this.plan.key), r);
    if (this.#opened) this.#limiter.reset(this.#clock.now(), this.#changes);
  }

  close(): Promise<void> {
    this.#abort.abort();
    return Promise.resolve();
  }

  #setTime(nowMs: number): void {
    const offsetMs = -new Date(nowMs).getTimezoneOffset() * 60_000;
    const utc = BigInt(nowMs) * 1000n;
    const local = BigInt(nowMs + offsetMs) * 1000n;
    const t = this.#time;
    t.utcMicros = utc;
    t.localMicros = local;
    const days = local >= 0n ? local / MICROS_PER_DAY : (local - MICROS_PER_DAY + 1n) / MICROS_PER_DAY;
    t.localDays = Number(days);
    t.localTimeMicros = Number(local - days * MICROS_PER_DAY);
  }
}

/** The `datagen` connector for the registry. */
export const DATAGEN_CONNECTOR: ConnectorDefinition = {
  spec: DATAGEN_SPEC,
  runtime: {
    createSource: (table, ctx) => new DatagenSource(table, ctx),
  },
  sourceMode: (table, opts) => {
    const plan = compileDatagen(table, opts);
    return plan.updateRatio > 0 || plan.deleteRatio > 0 ? ALL_CHANGES : INSERT_ONLY;
  },
  validate: (table, _role, opts) => {
    compileDatagen(table, opts);
  },
};
