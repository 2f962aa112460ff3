import { createHash, randomUUID } from 'node:crypto';
import { T, withNullability, type SqlType } from '../types.js';
import type { Value } from '../values.js';
import {
  anyNullable,
  bigintArg,
  binaryArg,
  intArg,
  literalText,
  mapArgs,
  runtimeError,
  stringArg,
  strict1,
  strict2,
  strict3,
  strict4,
  varcharLike,
  type Evaluator,
  type FunctionDefinition,
  type Resolution,
} from './definition.js';
import { cachedJavaRegex, javaRegex } from './pattern.js';

/**
 * String functions, with Flink's semantics. Positions and lengths count Unicode code
 * points (as Flink's BinaryStringData does), not UTF-16 units. Regular expressions are
 * Java's, translated (see pattern.ts); an invalid one makes REGEXP_REPLACE and
 * REGEXP_EXTRACT return NULL and REGEXP return FALSE, as in Flink.
 */

// ---------------------------------------------------------------------------
// Code point helpers
// ---------------------------------------------------------------------------

function hasSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
}

export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Code points [start, end) of s. */
function cpSlice(s: string, start: number, end?: number): string {
  if (!hasSurrogate(s)) return s.slice(start, end);
  return Array.from(s).slice(start, end).join('');
}

/** 0-based code point index of `needle` in `hay` at or after code point `from`; -1 when absent. */
function cpIndexOf(hay: string, needle: string, from: number): number {
  if (!hasSurrogate(hay)) return hay.indexOf(needle, from);
  const cps = Array.from(hay);
  let unit = 0;
  for (let i = 0; i < from && i < cps.length; i++) unit += cps[i]!.length;
  const at = hay.indexOf(needle, unit);
  if (at < 0) return -1;
  return codePointLength(hay.slice(0, at));
}

function reverseString(s: string): string {
  return Array.from(s).reverse().join('');
}

// ---------------------------------------------------------------------------
// Definition helpers
// ---------------------------------------------------------------------------

type ArgRule = (t: SqlType) => SqlType | null;

/** A strict function with one fixed signature. */
function simple(
  name: string,
  signature: string,
  rules: readonly ArgRule[],
  result: (args: readonly SqlType[], nullable: boolean) => SqlType,
  impl: (...a: never[]) => Value,
  options: { aliases?: string[]; forceNullable?: boolean } = {},
): FunctionDefinition {
  return {
    name,
    aliases: options.aliases ?? [],
    signatures: [signature],
    deterministic: true,
    resolve(types) {
      const args = mapArgs(types, rules);
      if (args === null) return null;
      return { argTypes: args, resultType: result(args, options.forceNullable === true || anyNullable(args)) };
    },
    compile(input) {
      const a = input.args;
      switch (a.length) {
        case 1:
          return strict1(a[0]!, impl);
        case 2:
          return strict2(a[0]!, a[1]!, impl);
        case 3:
          return strict3(a[0]!, a[1]!, a[2]!, impl);
        default:
          return strict4(a[0]!, a[1]!, a[2]!, a[3]!, impl);
      }
    },
  };
}

/** A strict function with several arities: `variants[i]` = [rules, impl]. */
function overloaded(
  name: string,
  signatures: string[],
  variants: readonly (readonly [readonly ArgRule[], (...a: never[]) => Value])[],
  result: (args: readonly SqlType[], nullable: boolean) => SqlType,
  options: { aliases?: string[]; forceNullable?: boolean } = {},
): FunctionDefinition {
  return {
    name,
    aliases: options.aliases ?? [],
    signatures,
    deterministic: true,
    resolve(types) {
      for (const [rules] of variants) {
        const args = mapArgs(types, rules);
        if (args !== null) return { argTypes: args, resultType: result(args, options.forceNullable === true || anyNullable(args)) };
      }
      return null;
    },
    compile(input) {
      const a = input.args;
      const variant = variants.find(([rules]) => rules.length === a.length && mapArgs(input.argTypes, rules) !== null);
      const impl = variant![1];
      switch (a.length) {
        case 1:
          return strict1(a[0]!, impl);
        case 2:
          return strict2(a[0]!, a[1]!, impl);
        case 3:
          return strict3(a[0]!, a[1]!, a[2]!, impl);
        default:
          return strict4(a[0]!, a[1]!, a[2]!, a[3]!, impl);
      }
    },
  };
}

const str = stringArg;
const int = intArg;
const stringOut = (_a: readonly SqlType[], nullable: boolean): SqlType => T.string(nullable);
const intOut = (_a: readonly SqlType[], nullable: boolean): SqlType => T.int(nullable);
const sameAsFirst = (a: readonly SqlType[], nullable: boolean): SqlType => withNullability(a[0]!, nullable);
const varcharOfFirst = (a: readonly SqlType[], nullable: boolean): SqlType => varcharLike(a[0]!, nullable);

// ---------------------------------------------------------------------------
// TRIM family
// ---------------------------------------------------------------------------

function trimWith(s: string, chars: string, left: boolean, right: boolean): string {
  let i = 0;
  let j = s.length;
  if (chars === ' ') {
    if (right) while (j > 0 && s.charCodeAt(j - 1) === 32) j--;
    if (left) while (i < j && s.charCodeAt(i) === 32) i++;
  } else {
    if (right) while (j > 0 && chars.includes(s[j - 1]!)) j--;
    if (left) while (i < j && chars.includes(s[i]!)) i++;
  }
  return i === 0 && j === s.length ? s : s.slice(i, j);
}

function trimMode(mode: string): [boolean, boolean] | null {
  switch (mode.trim().toUpperCase()) {
    case 'BOTH':
      return [true, true];
    case 'LEADING':
      return [true, false];
    case 'TRAILING':
      return [false, true];
    default:
      return null;
  }
}

/** TRIM(s), TRIM(mode, s) and TRIM(mode, chars, s) as the parser normalizes TRIM([BOTH|LEADING|TRAILING] [chars] FROM s). */
const TRIM: FunctionDefinition = {
  name: 'TRIM',
  signatures: ['TRIM(STRING)', "TRIM('BOTH'|'LEADING'|'TRAILING', STRING chars, STRING)"],
  deterministic: true,
  resolve(types, literals): Resolution | string | null {
    if (types.length < 1 || types.length > 3) return null;
    const args = mapArgs(types, types.map(() => str));
    if (args === null) return null;
    if (types.length > 1) {
      const mode = literalText(literals[0]);
      if (mode !== undefined && trimMode(mode) === null) return `unknown TRIM mode '${mode}'; expected BOTH, LEADING or TRAILING`;
    }
    const s = args[args.length - 1]!;
    return { argTypes: args, resultType: varcharLike(s, anyNullable(args)) };
  },
  compile(input) {
    const a = input.args;
    if (a.length === 1) return strict1(a[0]!, (s: string) => trimWith(s, ' ', true, true));
    const modeConst = input.constants[0];
    if (typeof modeConst === 'string') {
      const [l, r] = trimMode(modeConst) ?? [true, true];
      if (a.length === 2) return strict1(a[1]!, (s: string) => trimWith(s, ' ', l, r));
      return strict2(a[1]!, a[2]!, (chars: string, s: string) => trimWith(s, chars, l, r));
    }
    const modeOf = (m: string): [boolean, boolean] => {
      const lr = trimMode(m);
      if (lr === null) throw runtimeError(`unknown TRIM mode '${m}'; expected BOTH, LEADING or TRAILING`);
      return lr;
    };
    if (a.length === 2) return strict2(a[0]!, a[1]!, (m: string, s: string) => trimWith(s, ' ', ...modeOf(m)));
    return strict3(a[0]!, a[1]!, a[2]!, (m: string, chars: string, s: string) => trimWith(s, chars, ...modeOf(m)));
  },
};

function sideTrim(name: string, left: boolean): FunctionDefinition {
  return overloaded(
    name,
    [`${name}(STRING)`, `${name}(STRING, STRING chars)`],
    [
      [[str], (s: string) => trimWith(s, ' ', left, !left)],
      [[str, str], (s: string, chars: string) => trimWith(s, chars, left, !left)],
    ],
    varcharOfFirst,
  );
}

// ---------------------------------------------------------------------------
// SUBSTRING, LEFT, RIGHT, OVERLAY
// ---------------------------------------------------------------------------

/** Flink's SUBSTRING: 1-based; start 0 acts as 1; negative start counts from the end; NULL for a negative length. */
export function substring(s: string, start: number, len: number): string | null {
  if (len < 0) return null;
  if (s === '') return '';
  const n = codePointLength(s);
  let from: number;
  if (start > 0) {
    from = start - 1;
    if (from >= n) return '';
  } else if (start < 0) {
    from = n + start;
    if (from < 0) return '';
  } else {
    from = 0;
  }
  const end = n - from < len ? n : from + len;
  return cpSlice(s, from, end);
}

const SUBSTRING = overloaded(
  'SUBSTRING',
  ['SUBSTRING(STRING, INT start)', 'SUBSTRING(STRING, INT start, INT length)'],
  [
    [[str, int], (s: string, start: number) => substring(s, start, Number.MAX_SAFE_INTEGER)],
    [[str, int, int], (s: string, start: number, len: number) => substring(s, start, len)],
  ],
  varcharOfFirst,
  { aliases: ['SUBSTR'], forceNullable: true },
);

function left(s: string, n: number): string {
  if (n <= 0) return '';
  return cpSlice(s, 0, n);
}

function right(s: string, n: number): string {
  if (n <= 0) return '';
  const len = codePointLength(s);
  return n >= len ? s : cpSlice(s, len - n);
}

function overlay(s: string, r: string, start: number, len: number): string {
  const n = codePointLength(s);
  if (start <= 0 || start > n) return s;
  let out = cpSlice(s, 0, start - 1) + r;
  if (start + len <= n && len > 0) out += cpSlice(s, start - 1 + len);
  return out;
}

// ---------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------

function position(needle: string, hay: string, from: number): number {
  const start = from < 1 ? 0 : from - 1;
  return cpIndexOf(hay, needle, start) + 1;
}

/** Flink's INSTR(str, sub[, start[, nth]]): negative start searches backwards from the end. */
function instr(s: string, sub: string, start: number, nth: number): number {
  if (nth <= 0) throw runtimeError(`INSTR occurrence must be positive, got ${nth}`);
  if (start === 0) return 0;
  if (start > 0) {
    let from = start;
    let index = 0;
    for (let i = 0; i < nth; i++) {
      index = cpIndexOf(s, sub, from - 1) + 1;
      if (index === 0) return 0;
      from = index + 1;
    }
    return index;
  }
  const pos = instr(reverseString(s), reverseString(sub), -start, nth);
  return pos === 0 ? 0 : codePointLength(s) + 2 - pos - codePointLength(sub);
}

// ---------------------------------------------------------------------------
// Padding, repetition
// ---------------------------------------------------------------------------

const MAX_RESULT = 1 << 28;

function lpad(base: string, len: number, pad: string): string | null {
  if (len < 0 || pad === '') return null;
  if (len === 0) return '';
  if (len > MAX_RESULT) throw runtimeError(`LPAD length ${len} is too large`);
  const b = Array.from(base);
  const p = Array.from(pad);
  const fill = Math.max(len - b.length, 0);
  let out = '';
  for (let i = 0; i < fill; i++) out += p[i % p.length]!;
  return out + b.slice(0, len - fill).join('');
}

function rpad(base: string, len: number, pad: string): string | null {
  if (len < 0 || pad === '') return null;
  if (len === 0) return '';
  if (len > MAX_RESULT) throw runtimeError(`RPAD length ${len} is too large`);
  const b = Array.from(base).slice(0, len);
  const p = Array.from(pad);
  let out = b.join('');
  for (let i = 0; i < len - b.length; i++) out += p[i % p.length]!;
  return out;
}

function repeat(s: string, n: number): string {
  if (n <= 0 || s === '') return '';
  if (s.length * n > MAX_RESULT) throw runtimeError(`REPEAT result of ${s.length * n} characters is too large`);
  return s.repeat(n);
}

// ---------------------------------------------------------------------------
// Split, regex
// ---------------------------------------------------------------------------

function splitIndex(s: string, sep: string, index: number): string | null {
  if (index < 0 || s === '') return null;
  const parts = sep === '' ? s.trim().split(/\s+/) : s.split(sep);
  return index < parts.length ? parts[index]! : null;
}

const SPLIT_INDEX: FunctionDefinition = {
  name: 'SPLIT_INDEX',
  signatures: ['SPLIT_INDEX(STRING, STRING separator, INT index)', 'SPLIT_INDEX(STRING, INT separatorCode, INT index)'],
  deterministic: true,
  resolve(types) {
    const args = mapArgs(types, [str, str, int]) ?? mapArgs(types, [str, int, int]);
    if (args === null) return null;
    return { argTypes: args, resultType: T.string(true) };
  },
  compile(input) {
    const [fs, fsep, fi] = input.args as [Evaluator, Evaluator, Evaluator];
    if (input.argTypes[1]!.kind === 'INT') {
      return strict3(fs, fsep, fi, (s: string, c: number, i: number) =>
        c > 255 || c < 1 ? null : splitIndex(s, String.fromCharCode(c), i),
      );
    }
    return strict3(fs, fsep, fi, (s: string, sep: string, i: number) => splitIndex(s, sep, i));
  },
};

/** A regex for a constant or per-row pattern; returns null for an invalid pattern. */
function regexOf(constant: Value | undefined, global: boolean): ((p: string) => RegExp | null) | RegExp | null {
  if (typeof constant === 'string') return javaRegex(constant, global);
  return (p: string) => cachedJavaRegex(p, global);
}

const REGEXP_REPLACE: FunctionDefinition = {
  name: 'REGEXP_REPLACE',
  signatures: ['REGEXP_REPLACE(STRING, STRING regex, STRING replacement)'],
  deterministic: true,
  resolve(types) {
    const args = mapArgs(types, [str, str, str]);
    if (args === null) return null;
    return { argTypes: args, resultType: T.string(true) };
  },
  compile(input) {
    const [fs, fr, frep] = input.args as [Evaluator, Evaluator, Evaluator];
    const rx = regexOf(input.constants[1], true);
    // The replacement is literal text, as in Flink (Matcher.quoteReplacement).
    if (rx instanceof RegExp) return strict2(fs, frep, (s: string, rep: string) => s.replace(rx, () => rep));
    if (rx === null) return () => null;
    const get = rx;
    return strict3(fs, fr, frep, (s: string, p: string, rep: string) => {
      const re = get(p);
      return re === null ? null : s.replace(re, () => rep);
    });
  },
};

const REGEXP_EXTRACT: FunctionDefinition = {
  name: 'REGEXP_EXTRACT',
  signatures: ['REGEXP_EXTRACT(STRING, STRING regex)', 'REGEXP_EXTRACT(STRING, STRING regex, INT group)'],
  deterministic: true,
  resolve(types) {
    const args = mapArgs(types, [str, str]) ?? mapArgs(types, [str, str, int]);
    if (args === null) return null;
    return { argTypes: args, resultType: T.string(true) };
  },
  compile(input) {
    const fs = input.args[0]!;
    const fr = input.args[1]!;
    const fi: Evaluator = input.args[2] ?? (() => 0);
    const rx = regexOf(input.constants[1], false);
    const extract = (re: RegExp | null, s: string, i: number): string | null => {
      if (re === null || i < 0) return null;
      const m = re.exec(s);
      if (m === null) return null;
      return m[i] ?? null;
    };
    if (rx instanceof RegExp || rx === null) {
      const re = rx;
      return strict2(fs, fi, (s: string, i: number) => extract(re, s, i));
    }
    const get = rx;
    return strict3(fs, fr, fi, (s: string, p: string, i: number) => extract(get(p), s, i));
  },
};

const REGEXP: FunctionDefinition = {
  name: 'REGEXP',
  signatures: ['REGEXP(STRING, STRING regex)'],
  deterministic: true,
  resolve(types) {
    const args = mapArgs(types, [str, str]);
    if (args === null) return null;
    return { argTypes: args, resultType: T.boolean(anyNullable(args)) };
  },
  compile(input) {
    const [fs, fr] = input.args as [Evaluator, Evaluator];
    const c = input.constants[1];
    if (typeof c === 'string') {
      const re = c === '' ? null : javaRegex(c);
      return strict1(fs, (s: string) => (re === null ? false : re.test(s)));
    }
    return strict2(fs, fr, (s: string, p: string) => {
      if (p === '') return false;
      const re = cachedJavaRegex(p);
      return re === null ? false : re.test(s);
    });
  },
};

// ---------------------------------------------------------------------------
// CONCAT, CONCAT_WS
// ---------------------------------------------------------------------------

function resolveStrings(types: readonly SqlType[], min: number): SqlType[] | null {
  if (types.length < min) return null;
  return mapArgs(
    types,
    types.map(() => str),
  );
}

const CONCAT: FunctionDefinition = {
  name: 'CONCAT',
  signatures: ['CONCAT(STRING, ...)'],
  deterministic: true,
  resolve(types) {
    const args = resolveStrings(types, 1);
    if (args === null) return null;
    return { argTypes: args, resultType: T.string(anyNullable(args)) };
  },
  compile(input) {
    const args = input.args;
    const n = args.length;
    if (n === 2) {
      const fa = args[0]!;
      const fb = args[1]!;
      return (r) => {
        const a = fa(r);
        if (a === null) return null;
        const b = fb(r);
        if (b === null) return null;
        return (a as string) + (b as string);
      };
    }
    return (r) => {
      let s = '';
      for (let i = 0; i < n; i++) {
        const v = args[i]!(r);
        if (v === null) return null;
        s += v as string;
      }
      return s;
    };
  },
};

const CONCAT_WS: FunctionDefinition = {
  name: 'CONCAT_WS',
  signatures: ['CONCAT_WS(STRING separator, STRING, ...)'],
  deterministic: true,
  resolve(types) {
    const args = resolveStrings(types, 1);
    if (args === null) return null;
    return { argTypes: args, resultType: T.string(args[0]!.nullable) };
  },
  compile(input) {
    const fsep = input.args[0]!;
    const rest = input.args.slice(1);
    const n = rest.length;
    return (r) => {
      const sep = fsep(r);
      if (sep === null) return null;
      let s = '';
      let first = true;
      for (let i = 0; i < n; i++) {
        const v = rest[i]!(r);
        if (v === null) continue;
        if (!first) s += sep as string;
        s += v as string;
        first = false;
      }
      return s;
    };
  },
};

// ---------------------------------------------------------------------------
// Character codes, case
// ---------------------------------------------------------------------------

/** Calcite's INITCAP: words are runs of [A-Za-z0-9]; their first letter upper case, the rest lower. */
function initcap(s: string): string {
  let start = true;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    const digit = c > 47 && c < 58;
    const upper = c > 64 && c < 91;
    const lower = c > 96 && c < 123;
    if (start) {
      if (digit || upper) start = false;
      else if (lower) {
        start = false;
        c -= 32;
      }
    } else if (upper) c += 32;
    else if (!digit && !lower) start = true;
    out += String.fromCharCode(c);
  }
  return out;
}

function ascii(s: string): number {
  if (s === '') return 0;
  const c = s.charCodeAt(0);
  if (c < 128) return c;
  const b = Buffer.from(s.slice(0, 2), 'utf8')[0]!;
  return b > 127 ? b - 256 : b;
}

function chr(n: bigint): string {
  if (n < 0n) return '';
  return String.fromCharCode(Number(n & 0xffn));
}

// ---------------------------------------------------------------------------
// Hashes, encodings
// ---------------------------------------------------------------------------

function hashFn(name: string, algorithm: string, hexLength: number): FunctionDefinition {
  return {
    name,
    signatures: [`${name}(STRING)`, `${name}(BYTES)`],
    deterministic: true,
    resolve(types) {
      const args = mapArgs(types, [str]) ?? mapArgs(types, [binaryArg]);
      if (args === null) return null;
      return { argTypes: args, resultType: T.char(hexLength, anyNullable(args)) };
    },
    compile(input) {
      return strict1(input.args[0]!, (v: string | Uint8Array) => createHash(algorithm).update(v).digest('hex'));
    },
  };
}

const SHA2: FunctionDefinition = {
  name: 'SHA2',
  signatures: ['SHA2(STRING, INT bits)'],
  deterministic: true,
  resolve(types) {
    const args = mapArgs(types, [str, int]) ?? mapArgs(types, [binaryArg, int]);
    if (args === null) return null;
    return { argTypes: args, resultType: T.varchar(128, true) };
  },
  compile(input) {
    return strict2(input.args[0]!, input.args[1]!, (v: string | Uint8Array, bits: number) => {
      const alg = bits === 224 ? 'sha224' : bits === 256 || bits === 0 ? 'sha256' : bits === 384 ? 'sha384' : bits === 512 ? 'sha512' : null;
      return alg === null ? null : createHash(alg).update(v).digest('hex');
    });
  },
};

function nodeEncoding(charset: string): BufferEncoding | 'utf16be' | null {
  switch (charset.trim().toUpperCase().replace(/_/g, '-')) {
    case 'UTF-8':
    case 'UTF8':
      return 'utf8';
    case 'ISO-8859-1':
    case 'LATIN1':
      return 'latin1';
    case 'US-ASCII':
    case 'ASCII':
      return 'ascii';
    case 'UTF-16LE':
      return 'utf16le';
    case 'UTF-16BE':
    case 'UTF-16':
      return 'utf16be';
    default:
      return null;
  }
}

function encodingOf(charset: string): BufferEncoding | 'utf16be' {
  const e = nodeEncoding(charset);
  if (e === null) throw runtimeError(`unsupported character set '${charset}'`, 'Use UTF-8, ISO-8859-1, US-ASCII, UTF-16BE, UTF-16LE or UTF-16.');
  return e;
}

function encode(s: string, charset: string): Uint8Array {
  const e = encodingOf(charset);
  if (e === 'utf16be') return new Uint8Array(Buffer.from(s, 'utf16le').swap16());
  return new Uint8Array(Buffer.from(s, e));
}

function decode(b: Uint8Array, charset: string): string {
  const e = encodingOf(charset);
  if (e === 'utf16be') return Buffer.from(b).swap16().toString('utf16le');
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString(e);
}

const UUID: FunctionDefinition = {
  name: 'UUID',
  signatures: ['UUID()'],
  deterministic: false,
  resolve: (types) => (types.length === 0 ? { argTypes: [], resultType: T.char(36, false) } : null),
  compile: () => () => randomUUID(),
};

// ---------------------------------------------------------------------------
// PARSE_URL
// ---------------------------------------------------------------------------

function parseUrl(url: string, part: string, key?: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const orNull = (s: string): string | null => (s === '' ? null : s);
  switch (part) {
    case 'HOST':
      return u.hostname;
    case 'PATH':
      return u.pathname;
    case 'QUERY': {
      const q = u.search.startsWith('?') ? u.search.slice(1) : u.search;
      if (key === undefined) return orNull(q);
      const m = new RegExp('(?:&|^)' + key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '=([^&]*)').exec(q);
      return m === null ? null : m[1]!;
    }
    case 'REF':
      return orNull(u.hash.startsWith('#') ? u.hash.slice(1) : u.hash);
    case 'PROTOCOL':
      return u.protocol.replace(/:$/, '');
    case 'FILE':
      return u.pathname + u.search;
    case 'AUTHORITY':
      return (u.username !== '' ? u.username + (u.password !== '' ? ':' + u.password : '') + '@' : '') + u.host;
    case 'USERINFO':
      return u.username === '' ? null : u.username + (u.password !== '' ? ':' + u.password : '');
    default:
      return null;
  }
}

function affixFn(name: string, test: (s: string, a: string) => boolean, testBytes: (s: Uint8Array, a: Uint8Array) => boolean): FunctionDefinition {
  return {
    name,
    signatures: [`${name}(STRING, STRING)`, `${name}(BYTES, BYTES)`],
    deterministic: true,
    resolve(types) {
      const args = mapArgs(types, [str, str]) ?? mapArgs(types, [binaryArg, binaryArg]);
      if (args === null) return null;
      return { argTypes: args, resultType: T.boolean(anyNullable(args)) };
    },
    compile(input) {
      const bytes = input.argTypes[0]!.kind === 'BINARY' || input.argTypes[0]!.kind === 'VARBINARY';
      return bytes ? strict2(input.args[0]!, input.args[1]!, testBytes) : strict2(input.args[0]!, input.args[1]!, test);
    },
  };
}

function bytesStartWith(s: Uint8Array, a: Uint8Array): boolean {
  if (a.length > s.length) return false;
  for (let i = 0; i < a.length; i++) if (s[i] !== a[i]) return false;
  return true;
}

function bytesEndWith(s: Uint8Array, a: Uint8Array): boolean {
  if (a.length > s.length) return false;
  const off = s.length - a.length;
  for (let i = 0; i < a.length; i++) if (s[off + i] !== a[i]) return false;
  return true;
}

export const STRING_FUNCTIONS: readonly FunctionDefinition[] = [
  simple('CHAR_LENGTH', 'CHAR_LENGTH(STRING)', [str], intOut, (s: string) => codePointLength(s), { aliases: ['CHARACTER_LENGTH'] }),
  simple('UPPER', 'UPPER(STRING)', [str], sameAsFirst, (s: string) => s.toUpperCase()),
  simple('LOWER', 'LOWER(STRING)', [str], sameAsFirst, (s: string) => s.toLowerCase()),
  simple('INITCAP', 'INITCAP(STRING)', [str], sameAsFirst, initcap),
  TRIM,
  sideTrim('LTRIM', true),
  sideTrim('RTRIM', false),
  SUBSTRING,
  simple('LEFT', 'LEFT(STRING, INT)', [str, int], varcharOfFirst, left, { forceNullable: true }),
  simple('RIGHT', 'RIGHT(STRING, INT)', [str, int], varcharOfFirst, right, { forceNullable: true }),
  overloaded(
    'OVERLAY',
    ['OVERLAY(STRING, STRING replacement, INT start)', 'OVERLAY(STRING, STRING replacement, INT start, INT length)'],
    [
      [[str, str, int], (s: string, r: string, start: number) => overlay(s, r, start, codePointLength(r))],
      [[str, str, int, int], (s: string, r: string, start: number, len: number) => overlay(s, r, start, len)],
    ],
    stringOut,
  ),
  simple('POSITION', 'POSITION(STRING IN STRING)', [str, str], intOut, (needle: string, hay: string) => position(needle, hay, 1)),
  overloaded(
    'LOCATE',
    ['LOCATE(STRING, STRING)', 'LOCATE(STRING, STRING, INT start)'],
    [
      [[str, str], (needle: string, hay: string) => position(needle, hay, 1)],
      [[str, str, int], (needle: string, hay: string, from: number) => position(needle, hay, from)],
    ],
    intOut,
  ),
  overloaded(
    'INSTR',
    ['INSTR(STRING, STRING)', 'INSTR(STRING, STRING, INT start)', 'INSTR(STRING, STRING, INT start, INT occurrence)'],
    [
      [[str, str], (s: string, sub: string) => instr(s, sub, 1, 1)],
      [[str, str, int], (s: string, sub: string, start: number) => instr(s, sub, start, 1)],
      [[str, str, int, int], (s: string, sub: string, start: number, nth: number) => instr(s, sub, start, nth)],
    ],
    intOut,
  ),
  simple('REPLACE', 'REPLACE(STRING, STRING search, STRING replacement)', [str, str, str], stringOut, (s: string, from: string, to: string) =>
    s.replaceAll(from, () => to),
  ),
  CONCAT,
  CONCAT_WS,
  simple('LPAD', 'LPAD(STRING, INT length, STRING pad)', [str, int, str], stringOut, lpad, { forceNullable: true }),
  simple('RPAD', 'RPAD(STRING, INT length, STRING pad)', [str, int, str], stringOut, rpad, { forceNullable: true }),
  simple('REPEAT', 'REPEAT(STRING, INT)', [str, int], stringOut, repeat),
  simple('REVERSE', 'REVERSE(STRING)', [str], stringOut, reverseString, { forceNullable: true }),
  SPLIT_INDEX,
  REGEXP_REPLACE,
  REGEXP_EXTRACT,
  REGEXP,
  simple('ASCII', 'ASCII(STRING)', [str], intOut, ascii),
  simple('CHR', 'CHR(INT)', [bigintArg], stringOut, chr, { forceNullable: true }),
  hashFn('MD5', 'md5', 32),
  hashFn('SHA1', 'sha1', 40),
  hashFn('SHA224', 'sha224', 56),
  hashFn('SHA256', 'sha256', 64),
  hashFn('SHA384', 'sha384', 96),
  hashFn('SHA512', 'sha512', 128),
  SHA2,
  simple('TO_BASE64', 'TO_BASE64(STRING)', [str], stringOut, (s: string) => Buffer.from(s, 'utf8').toString('base64')),
  simple('FROM_BASE64', 'FROM_BASE64(STRING)', [str], stringOut, (s: string) => Buffer.from(s, 'base64').toString('utf8')),
  simple('ENCODE', 'ENCODE(STRING, STRING charset)', [str, str], (_a, _n) => T.bytes(true), encode),
  simple('DECODE', 'DECODE(BYTES, STRING charset)', [binaryArg, str], stringOut, decode, { forceNullable: true }),
  UUID,
  affixFn('STARTSWITH', (x, a) => x.startsWith(a), bytesStartWith),
  affixFn('ENDSWITH', (x, a) => x.endsWith(a), bytesEndWith),
  overloaded(
    'PARSE_URL',
    ['PARSE_URL(STRING url, STRING part)', "PARSE_URL(STRING url, 'QUERY', STRING key)"],
    [
      [[str, str], (u: string, p: string) => parseUrl(u, p.toUpperCase())],
      [[str, str, str], (u: string, p: string, k: string) => (p.toUpperCase() === 'QUERY' ? parseUrl(u, 'QUERY', k) : null)],
    ],
    stringOut,
    { forceNullable: true },
  ),
];
