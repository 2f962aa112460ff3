import { closestMatch } from './suggest.js';
import { StrataError } from './errors.js';

/**
 * Connector (and format) options, declared once. A declaration says an option's name,
 * type, default, whether it is required or secret, and what it does; validation, error
 * messages, redaction and the generated docs (docs/connectors.md) all come from it.
 *
 * Names follow Flink: keys are case-sensitive and written in lower case with dots and
 * dashes. Values are strings as written in `WITH ('key' = 'value')` and are converted
 * here, so a connector never parses an option value itself.
 */

export type OptionType = 'string' | 'int' | 'long' | 'double' | 'boolean' | 'duration' | 'memory' | 'enum' | 'list';

export interface OptionSpec {
  /**
   * The key, e.g. `rows-per-second`; a pattern with `#` standing for one name (a column,
   * usually): `fields.#.kind`; or a prefix ending in `*` that admits any key under it:
   * `properties.*` (the value is passed through unchecked).
   */
  readonly name: string;
  readonly type: OptionType;
  /** The default as it would be written in WITH, e.g. `'10000'`, `'30s'`. */
  readonly default?: string;
  readonly required?: boolean;
  /** Never shown in logs, errors, SHOW output or EXPLAIN (see `redactOptions`). */
  readonly secret?: boolean;
  /** For `enum`: the allowed values (matched case-insensitively, returned as declared). */
  readonly choices?: readonly string[];
  /** For `int`, `long`, `double`: inclusive bounds. */
  readonly min?: number;
  readonly max?: number;
  /** True for an option Flink does not have (a Strata extension); marked in the docs. */
  readonly extension?: boolean;
  readonly doc: string;
}

/** What a role (source or sink) of a connector does, in one sentence for the docs. */
export interface ConnectorRoleSpec {
  readonly doc: string;
}

/**
 * A connector's declaration: its name (the value of `'connector'`), a description, its
 * options (shared by both roles, as in Flink, where one factory serves source and sink),
 * and which roles it supports.
 */
export interface ConnectorSpec {
  readonly name: string;
  readonly doc: string;
  readonly options: readonly OptionSpec[];
  readonly source?: ConnectorRoleSpec;
  readonly sink?: ConnectorRoleSpec;
}

/**
 * Anything with declared options: a connector spec, or a format's option group. `subject`
 * names it in messages (`connector` by default, e.g. `format`).
 */
export interface OptionGroup {
  readonly name: string;
  readonly options: readonly OptionSpec[];
  readonly subject?: string;
}

/** The `where` of option errors for a table: table `cat`.`db`.`t`. */
export function tableLocation(path: readonly string[]): string {
  return 'table ' + path.map((p) => '`' + p + '`').join('.');
}

/** The option every table has: it names the connector. */
export const CONNECTOR_OPTION: OptionSpec = {
  name: 'connector',
  type: 'string',
  required: true,
  doc: 'The connector to use.',
};

export const REDACTED = '******';

// ---------------------------------------------------------------------------
// Matching keys to declarations
// ---------------------------------------------------------------------------

interface Matcher {
  readonly spec: OptionSpec;
  /** 0 exact, 1 `#` pattern, 2 prefix. */
  readonly rank: number;
  readonly test: (key: string) => boolean;
  /** `#` patterns: the text before and after `#`; prefixes: the prefix. */
  readonly head: string;
  readonly tail: string;
}

const matcherCache = new WeakMap<OptionSpec, Matcher>();

function matcherOf(spec: OptionSpec): Matcher {
  let m = matcherCache.get(spec);
  if (m !== undefined) return m;
  const name = spec.name;
  if (name.endsWith('*')) {
    const head = name.slice(0, -1);
    m = { spec, rank: 2, head, tail: '', test: (k) => k.length > head.length && k.startsWith(head) };
  } else if (name.includes('#')) {
    const at = name.indexOf('#');
    const head = name.slice(0, at);
    const tail = name.slice(at + 1);
    m = {
      spec,
      rank: 1,
      head,
      tail,
      test: (k) => k.length > head.length + tail.length && k.startsWith(head) && k.endsWith(tail),
    };
  } else {
    m = { spec, rank: 0, head: name, tail: '', test: (k) => k === name };
  }
  matcherCache.set(spec, m);
  return m;
}

/** The declaration that governs `key` (exact names first, then `#` patterns, then the longest prefix). */
export function findOptionSpec(specs: readonly OptionSpec[], key: string): OptionSpec | undefined {
  let best: Matcher | undefined;
  for (const spec of specs) {
    const m = matcherOf(spec);
    if (!m.test(key)) continue;
    if (best === undefined || m.rank < best.rank || (m.rank === best.rank && m.head.length > best.head.length)) best = m;
  }
  if (best === undefined && key === CONNECTOR_OPTION.name) return CONNECTOR_OPTION;
  return best?.spec;
}

/**
 * The `#` part of `key` under a pattern declaration (`fields.#.kind` and
 * `fields.id.kind` give `id`), or undefined when the key does not match it.
 */
export function patternSegment(pattern: string, key: string): string | undefined {
  const at = pattern.indexOf('#');
  if (at < 0) return undefined;
  const head = pattern.slice(0, at);
  const tail = pattern.slice(at + 1);
  if (key.length <= head.length + tail.length || !key.startsWith(head) || !key.endsWith(tail)) return undefined;
  return key.slice(head.length, key.length - tail.length);
}

// ---------------------------------------------------------------------------
// Value parsing (Flink's syntax)
// ---------------------------------------------------------------------------

const DURATION_UNITS: Record<string, number> = {
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  min: 60_000,
  m: 60_000,
  minute: 60_000,
  minutes: 60_000,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  'µs': 0.001,
  us: 0.001,
  micro: 0.001,
  micros: 0.001,
  microsecond: 0.001,
  microseconds: 0.001,
  ns: 0.000001,
  nano: 0.000001,
  nanos: 0.000001,
  nanosecond: 0.000001,
  nanoseconds: 0.000001,
};

/**
 * Flink's duration syntax (TimeUtils.parseDuration): a non-negative whole number and an
 * optional unit, with or without a space: `500ms`, `10 s`, `1min`, `2 h`, `1d`. No unit
 * means milliseconds. Returns milliseconds, or null when malformed.
 */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+)\s*([a-zµ]*)\s*$/i.exec(text);
  if (m === null) return null;
  const unit = (m[2] ?? '').toLowerCase();
  const factor = unit === '' ? 1 : DURATION_UNITS[unit];
  if (factor === undefined) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n * factor : null;
}

const MEMORY_UNITS: Record<string, number> = {
  b: 1,
  bytes: 1,
  k: 1024,
  kb: 1024,
  kibibytes: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mebibytes: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gibibytes: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tebibytes: 1024 ** 4,
};

/** Flink's memory size syntax (MemorySize.parse): `1024`, `64kb`, `90 mb`, `1g`. Returns bytes, or null. */
export function parseMemorySize(text: string): number | null {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  if (m === null) return null;
  const unit = (m[2] ?? '').toLowerCase();
  const factor = unit === '' ? 1 : MEMORY_UNITS[unit];
  if (factor === undefined) return null;
  const n = Number(m[1]) * factor;
  return Number.isSafeInteger(n) ? n : null;
}

/** Flink's list syntax: items separated by `;`, blanks trimmed, empty items dropped. */
export function parseList(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(';')) {
    const t = part.trim();
    if (t !== '') out.push(t);
  }
  return out;
}

type Converted = string | number | boolean | readonly string[];

const TYPE_HINT: Record<OptionType, string> = {
  string: 'a string',
  int: 'an integer',
  long: 'an integer',
  double: 'a number',
  boolean: "'true' or 'false'",
  duration: "a duration such as '500ms', '10 s', '1min' (units: d, h, min, s, ms)",
  memory: "a memory size such as '64kb', '90mb', '1g'",
  enum: 'one of the choices',
  list: "a ';'-separated list",
};

/** Converts one value; a string describing the problem when it is malformed. */
function convert(spec: OptionSpec, raw: string): Converted | { problem: string } {
  switch (spec.type) {
    case 'string':
      return raw;
    case 'int':
    case 'long': {
      if (!/^\s*[+-]?\d+\s*$/.test(raw)) return { problem: `expected ${TYPE_HINT[spec.type]}` };
      const n = Number(raw);
      if (spec.type === 'int' && (n < -2147483648 || n > 2147483647)) return { problem: 'expected an integer within the INT range' };
      if (!Number.isSafeInteger(n)) return { problem: 'expected an integer within ±2^53' };
      return checkBounds(spec, n);
    }
    case 'double': {
      const n = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(n)) return { problem: `expected ${TYPE_HINT.double}` };
      return checkBounds(spec, n);
    }
    case 'boolean': {
      const t = raw.trim().toLowerCase();
      if (t === 'true') return true;
      if (t === 'false') return false;
      return { problem: `expected ${TYPE_HINT.boolean}` };
    }
    case 'duration': {
      const ms = parseDuration(raw);
      return ms === null ? { problem: `expected ${TYPE_HINT.duration}` } : ms;
    }
    case 'memory': {
      const b = parseMemorySize(raw);
      return b === null ? { problem: `expected ${TYPE_HINT.memory}` } : b;
    }
    case 'enum': {
      const choices = spec.choices ?? [];
      const t = raw.trim().toLowerCase();
      for (const c of choices) if (c.toLowerCase() === t) return c;
      return { problem: `expected one of ${choices.map((c) => `'${c}'`).join(', ')}` };
    }
    case 'list':
      return parseList(raw);
  }
}

function checkBounds(spec: OptionSpec, n: number): number | { problem: string } {
  if (spec.min !== undefined && n < spec.min) return { problem: `must be at least ${spec.min}` };
  if (spec.max !== undefined && n > spec.max) return { problem: `must be at most ${spec.max}` };
  return n;
}

// ---------------------------------------------------------------------------
// Suggestions
// ---------------------------------------------------------------------------

/** The closest of `candidates` to `word`, when close enough to be a likely typo (option names). */
export function closestOption(word: string, candidates: Iterable<string>): string | undefined {
  return closestMatch(word, candidates, {
    ignoreCase: true,
    limit: (w, best) => Math.max(2, Math.floor(Math.max(w.length, best.length) / 4)),
  });
}

/** Concrete keys the user may have meant: patterns instantiated with the key's own parts. */
function suggestionCandidates(specs: readonly OptionSpec[], key: string): string[] {
  const out: string[] = [CONNECTOR_OPTION.name];
  const keyParts = key.split('.');
  for (const spec of specs) {
    const m = matcherOf(spec);
    if (m.rank === 0) out.push(spec.name);
    else if (m.rank === 1) {
      // fields.#.kind against `fields.id.knd`: use the key's middle segments for `#`.
      const headParts = m.head === '' ? 0 : m.head.split('.').length - 1;
      const tailParts = m.tail === '' ? 0 : m.tail.split('.').length - 1;
      if (keyParts.length > headParts + tailParts) {
        const middle = keyParts.slice(headParts, keyParts.length - tailParts).join('.');
        out.push(m.head + middle + m.tail);
      }
    } else {
      const headParts = m.head.split('.').length - 1;
      if (keyParts.length > headParts) out.push(m.head + keyParts.slice(headParts).join('.'));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

function subjectOf(group: OptionGroup): string {
  return `${group.subject ?? 'connector'} '${group.name}'`;
}

/** The declared names, sorted, as listed in "valid options: ..." messages. */
export function validOptionNames(group: OptionGroup): string[] {
  const names = new Set<string>([CONNECTOR_OPTION.name]);
  if (group.subject !== undefined && group.subject !== 'connector') names.delete(CONNECTOR_OPTION.name);
  for (const s of group.options) names.add(s.name);
  return [...names].sort();
}

/**
 * Checks `options` against the declarations of `group` and converts every value:
 * - a key no declaration admits → CONNECTOR_OPTION naming the closest valid key and listing them all;
 * - a required option that is absent → CONNECTOR_OPTION;
 * - a malformed value (int, long, double, boolean, duration, memory, enum) → CONNECTOR_OPTION
 *   saying what was expected (secret values are never echoed).
 * `'connector'` is accepted for every connector. `where` says where the options come
 * from, e.g. `tableLocation(table.path)`.
 */
export function validateOptions(group: OptionGroup, options: Readonly<Record<string, string>>, where: string): ValidatedOptions {
  const specs = group.options;
  const values = new Map<string, Converted>();
  const unknown: string[] = [];
  for (const key of Object.keys(options)) {
    const spec = findOptionSpec(specs, key);
    if (spec === undefined || (spec === CONNECTOR_OPTION && group.subject !== undefined && group.subject !== 'connector')) {
      unknown.push(key);
    }
  }
  if (unknown.length > 0) throw unknownOptionsError(group, unknown, where);

  for (const spec of specs) {
    if (spec.required !== true || spec.name.includes('#') || spec.name.endsWith('*')) continue;
    if (options[spec.name] === undefined) throw missingOptionError(group, spec.name, where);
  }

  for (const [key, raw] of Object.entries(options)) {
    const spec = findOptionSpec(specs, key)!;
    const v = convert(spec, raw);
    if (typeof v === 'object' && !Array.isArray(v)) {
      const shown = spec.secret === true ? '' : ` '${raw}'`;
      throw new StrataError(
        'CONNECTOR_OPTION',
        `invalid value${shown} for option '${key}' of ${subjectOf(group)} in ${where}: ${(v as { problem: string }).problem}`,
        { details: { option: key, connector: group.name, where } },
      );
    }
    values.set(key, v as Converted);
  }
  return new ValidatedOptions(group, options, values, where);
}

function unknownOptionsError(group: OptionGroup, keys: readonly string[], where: string): StrataError {
  const valid = validOptionNames(group).join(', ');
  const parts = keys.map((k) => {
    const s = closestOption(k, suggestionCandidates(group.options, k));
    return { key: k, suggestion: s };
  });
  let msg: string;
  if (parts.length === 1) {
    const p = parts[0]!;
    msg = `unknown option '${p.key}' for ${subjectOf(group)} in ${where}`;
    if (p.suggestion !== undefined) msg += `; did you mean '${p.suggestion}'?`;
    msg += ` valid options: ${valid}`;
  } else {
    const listed = parts.map((p) => `'${p.key}'` + (p.suggestion !== undefined ? ` (did you mean '${p.suggestion}'?)` : '')).join(', ');
    msg = `unknown options ${listed} for ${subjectOf(group)} in ${where}; valid options: ${valid}`;
  }
  return new StrataError('CONNECTOR_OPTION', msg, { details: { options: [...keys], connector: group.name, where } });
}

function missingOptionError(group: OptionGroup, name: string, where: string, because?: string): StrataError {
  const why = because === undefined ? '' : ` (${because})`;
  return new StrataError(
    'CONNECTOR_OPTION',
    `missing required option '${name}' for ${subjectOf(group)} in ${where}${why}; add '${name}' = '...' to the WITH clause`,
    { details: { option: name, connector: group.name, where } },
  );
}

/**
 * Typed access to validated options. Getters take a concrete key (`rows-per-second`,
 * `fields.id.kind`) and return the converted value, the declared default when the key
 * is absent, or undefined. Asking for an undeclared key, or with the getter of another
 * type, is a bug in the connector (INTERNAL).
 */
export class ValidatedOptions {
  readonly group: OptionGroup;
  /** The options as written (including secrets: never log this; use `redacted()`). */
  readonly raw: Readonly<Record<string, string>>;
  readonly where: string;
  readonly #values: ReadonlyMap<string, Converted>;

  constructor(group: OptionGroup, raw: Readonly<Record<string, string>>, values: ReadonlyMap<string, Converted>, where: string) {
    this.group = group;
    this.raw = raw;
    this.#values = values;
    this.where = where;
  }

  /** True when the key was written in WITH (defaults do not count). */
  has(key: string): boolean {
    return this.#values.has(key);
  }

  string(key: string): string | undefined {
    return this.#get(key, ['string']) as string | undefined;
  }
  int(key: string): number | undefined {
    return this.#get(key, ['int']) as number | undefined;
  }
  long(key: string): number | undefined {
    return this.#get(key, ['long', 'int']) as number | undefined;
  }
  double(key: string): number | undefined {
    return this.#get(key, ['double']) as number | undefined;
  }
  boolean(key: string): boolean | undefined {
    return this.#get(key, ['boolean']) as boolean | undefined;
  }
  /** Milliseconds (fractional for µs and ns). */
  duration(key: string): number | undefined {
    return this.#get(key, ['duration']) as number | undefined;
  }
  /** Bytes. */
  memory(key: string): number | undefined {
    return this.#get(key, ['memory']) as number | undefined;
  }
  /** The matching choice, spelled as declared. */
  enum(key: string): string | undefined {
    return this.#get(key, ['enum']) as string | undefined;
  }
  list(key: string): readonly string[] | undefined {
    return this.#get(key, ['list']) as readonly string[] | undefined;
  }

  /** Like `string`, but a CONNECTOR_OPTION error when absent (for conditionally required options). */
  requireString(key: string, because?: string): string {
    const v = this.string(key);
    if (v === undefined) throw missingOptionError(this.group, key, this.where, because);
    return v;
  }

  /** The missing-option error for `key`, for conditions a declaration cannot state. */
  missing(key: string, because?: string): StrataError {
    return missingOptionError(this.group, key, this.where, because);
  }

  /**
   * A CONNECTOR_OPTION error about `key`, phrased like the others:
   * `invalid option 'k' for connector 'c' in table ...: <problem>`.
   */
  invalid(key: string, problem: string, hint?: string): StrataError {
    return new StrataError('CONNECTOR_OPTION', `invalid option '${key}' for ${subjectOf(this.group)} in ${this.where}: ${problem}`, {
      ...(hint !== undefined ? { hint } : {}),
      details: { option: key, connector: this.group.name, where: this.where },
    });
  }

  /** Every written key under `prefix` (e.g. `properties.`), with the prefix removed. */
  withPrefix(prefix: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.raw)) if (k.length > prefix.length && k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
    return out;
  }

  /** The `#` parts of the written keys matching `pattern`, in the order written (`fields.#.kind` → column names). */
  segments(pattern: string): string[] {
    const out: string[] = [];
    for (const k of Object.keys(this.raw)) {
      const seg = patternSegment(pattern, k);
      if (seg !== undefined && !out.includes(seg)) out.push(seg);
    }
    return out;
  }

  /** The written options with secrets replaced by `******`. */
  redacted(): Record<string, string> {
    return redactOptions(this.group.options, this.raw);
  }

  #get(key: string, types: readonly OptionType[]): Converted | undefined {
    const spec = findOptionSpec(this.group.options, key);
    if (spec === undefined || !types.includes(spec.type)) {
      throw new StrataError(
        'INTERNAL',
        `${subjectOf(this.group)} reads option '${key}' as ${types[0]}, but ${spec === undefined ? 'it is not declared' : `it is declared as ${spec.type}`}`,
      );
    }
    const v = this.#values.get(key);
    if (v !== undefined) return v;
    if (spec.default === undefined) return undefined;
    const d = convert(spec, spec.default);
    if (typeof d === 'object' && !Array.isArray(d)) {
      throw new StrataError('INTERNAL', `default '${spec.default}' of option '${spec.name}' of ${subjectOf(this.group)} is malformed`);
    }
    return d as Converted;
  }
}

// ---------------------------------------------------------------------------
// Redaction
// ---------------------------------------------------------------------------

/**
 * Key fragments that mark a value as sensitive even without a declaration (pass-through
 * keys such as `properties.sasl.jaas.config`, `debezium.database.password`); the list
 * follows Flink's GlobalConfiguration.SENSITIVE_KEYS.
 */
const SENSITIVE_FRAGMENTS = ['password', 'secret', 'fs.azure.account.key', 'apikey', 'api-key', 'auth-params', 'service-key', 'token', 'basic-auth', 'jaas.config'];

/** True when the value of `key` must not be shown: declared secret, or a sensitive-looking key. */
export function isSecretOption(specs: readonly OptionSpec[] | OptionGroup, key: string): boolean {
  if (findOptionSpec(specsOf(specs), key)?.secret === true) return true;
  const k = key.toLowerCase();
  for (const f of SENSITIVE_FRAGMENTS) if (k.includes(f)) return true;
  return false;
}

/** Options with secret values replaced by `******` (for SHOW CREATE TABLE, logs, EXPLAIN). */
export function redactOptions(specs: readonly OptionSpec[] | OptionGroup, options: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(options)) out[k] = isSecretOption(specs, k) ? REDACTED : v;
  return out;
}

function specsOf(specs: readonly OptionSpec[] | OptionGroup): readonly OptionSpec[] {
  return 'options' in specs ? specs.options : specs;
}
