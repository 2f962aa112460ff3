import { StrataError } from '../errors.js';

/**
 * Pattern languages: SQL LIKE and SIMILAR TO patterns, and Java regular expressions
 * (REGEXP, REGEXP_REPLACE, REGEXP_EXTRACT), all translated to JavaScript RegExps.
 */

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/;

function escapeRegexChar(c: string): string {
  return REGEX_SPECIAL.test(c) ? '\\' + c : c;
}

/**
 * A matcher for `s LIKE pattern [ESCAPE esc]`: `%` any run of characters, `_` exactly one.
 * There is no default escape character (SQL standard; Flink since FLINK-39424). Throws a
 * RUNTIME StrataError for an escape at the end of the pattern or before another character.
 * `ESCAPE ''` means no escape character.
 */
export function likeMatcher(pattern: string, escapeChar: string | null): (s: string) => boolean {
  // ESCAPE '' means no escape character.
  const escape = escapeChar === '' ? null : escapeChar;
  if (escape !== null && [...escape].length !== 1) {
    throw new StrataError('RUNTIME', `invalid escape character '${escape}' in LIKE: it must be exactly one character`);
  }
  // Fast paths for patterns without '_' and escapes.
  if ((escape === null || !pattern.includes(escape)) && !pattern.includes('_')) {
    const pieces = pattern.split('%');
    if (pieces.length === 1) return (s) => s === pattern;
    if (pieces.length === 2) {
      const [a, b] = pieces as [string, string];
      if (b === '') return (s) => s.startsWith(a);
      if (a === '') return (s) => s.endsWith(b);
      return (s) => s.length >= a.length + b.length && s.startsWith(a) && s.endsWith(b);
    }
    if (pieces.length === 3 && pieces[0] === '' && pieces[2] === '') {
      const mid = pieces[1]!;
      return (s) => s.includes(mid);
    }
  }
  let re = '^';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (escape !== null && c === escape) {
      const next = chars[i + 1];
      if (next === undefined || (next !== '%' && next !== '_' && next !== escape)) {
        throw new StrataError('RUNTIME', `invalid escape sequence in LIKE pattern '${pattern}'`, {
          hint: `The escape character '${escape}' must be followed by '%', '_' or itself.`,
        });
      }
      re += escapeRegexChar(next);
      i++;
    } else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += escapeRegexChar(c);
  }
  const rx = new RegExp(re + '$', 'u');
  return (s) => rx.test(s);
}

/**
 * A matcher for `s SIMILAR TO pattern [ESCAPE esc]`: SQL regular expressions (`%`, `_`,
 * `|`, `*`, `+`, `?`, `{m,n}`, `[...]`, `(...)`), matched against the whole string.
 */
export function similarMatcher(pattern: string, escape: string | null): (s: string) => boolean {
  let re = '^(?:';
  const chars = [...pattern];
  let inClass = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (escape !== null && c === escape) {
      const next = chars[i + 1];
      if (next === undefined) throw new StrataError('RUNTIME', `invalid escape sequence in SIMILAR TO pattern '${pattern}'`);
      re += escapeRegexChar(next);
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      re += c === '\\' ? '\\\\' : c;
      continue;
    }
    switch (c) {
      case '%':
        re += '[\\s\\S]*';
        break;
      case '_':
        re += '[\\s\\S]';
        break;
      case '[':
        inClass = true;
        re += c;
        break;
      case '|':
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case '(':
      case ')':
        re += c;
        break;
      default:
        re += escapeRegexChar(c);
    }
  }
  let rx: RegExp;
  try {
    rx = new RegExp(re + ')$', 'u');
  } catch {
    throw new StrataError('RUNTIME', `invalid SIMILAR TO pattern '${pattern}'`);
  }
  return (s) => rx.test(s);
}

/**
 * A JavaScript RegExp for a Java regular expression, or null when it does not compile.
 * Leading inline flags `(?i)`, `(?s)`, `(?m)`, `(?x)`... become RegExp flags; `\A` and `\z`
 * become `^` and `$`. Other Java-only syntax (possessive quantifiers, `\Q..\E`) is not
 * supported.
 */
export function javaRegex(regex: string, global = false): RegExp | null {
  let src = regex;
  let flags = global ? 'g' : '';
  const m = /^\(\?([imsux]+)\)/.exec(src);
  if (m !== null) {
    for (const f of m[1]!) if ((f === 'i' || f === 'm' || f === 's') && !flags.includes(f)) flags += f;
    src = src.slice(m[0].length);
  }
  src = src.replace(/\\A/g, '^').replace(/\\[zZ]/g, '$');
  try {
    return new RegExp(src, flags);
  } catch {
    return null;
  }
}

const regexCache = new Map<string, RegExp | null>();

/** Cached javaRegex (for patterns that change per row). */
export function cachedJavaRegex(regex: string, global = false): RegExp | null {
  const key = (global ? 'g' : 'n') + regex;
  let rx = regexCache.get(key);
  if (rx === undefined) {
    rx = javaRegex(regex, global);
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(key, rx);
  }
  if (rx !== null) rx.lastIndex = 0;
  return rx;
}
