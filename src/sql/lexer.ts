/**
 * The SQL lexer of both dialects: a single char-code loop that turns source text into
 * tokens on demand. Comments are skipped; an optimizer hint `/*+ ... *\/` is one `hint`
 * token (the parser lexes its body again with a sub-lexer, so positions stay exact).
 *
 * Dialect differences handled here:
 * - flink: strings are single-quoted only, a backslash is an ordinary character, a
 *   double quote is an error that says to use single quotes / backticks.
 * - starrocks: single- and double-quoted strings with MySQL backslash escapes, `#`
 *   comments, `@var` / `@@var` session variables.
 */

import { StrataError } from '../core/errors.js';
import type { Dialect } from './parser.js';

export type TokenKind =
  /** An unquoted identifier or keyword. */
  | 'word'
  /** A backtick-quoted identifier. */
  | 'quoted'
  | 'string'
  | 'number'
  /** `X'0AFF'`: `value` holds the hex digits. */
  | 'binary'
  /** `/*+ ... *\/`: `value` holds the body; `start`/`end` span the whole hint. */
  | 'hint'
  /** `@x`, `@@x`, `@@session.x` (starrocks): `value` is the text as written. */
  | 'variable'
  /** Punctuation and operators: `value` is the operator (`(`, `<=`, `||`, `=>`, ...). */
  | 'op'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /**
   * word: the name as written; quoted: the name without quotes and escapes; string: the
   * value without quotes and escapes; number: the text; op: the operator; eof: ''.
   */
  readonly value: string;
  /** For `word` tokens the upper-case value (keywords are tested with it); '' otherwise. */
  readonly upper: string;
  /** 0-based offset of the first character (for eof: the end of the last token). */
  readonly start: number;
  /** 0-based offset after the last character. */
  readonly end: number;
  /** 1-based line and column of the first character. */
  readonly line: number;
  readonly column: number;
}

// Character codes used by the loop.
const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const BANG = 33; // !
const DQUOTE = 34; // "
const HASH = 35; // #
const DOLLAR = 36; // $
const PERCENT = 37;
const AMP = 38; // &
const QUOTE = 39; // '
const STAR = 42;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const SLASH = 47;
const D0 = 48;
const D9 = 57;
const LT = 60;
const EQ = 61;
const GT = 62;
const AT = 64;
const BACKSLASH = 92;
const UNDERSCORE = 95;
const BACKTICK = 96;
const PIPE = 124;

const SINGLE_OPS = '(),;.*+-/%=<>!?[]{}|&^~:';

function isDigit(c: number): boolean {
  return c >= D0 && c <= D9;
}

/** Non-ASCII white space: no-break space, the ideographic (full-width) space, the BOM, Unicode spaces. */
function isUnicodeSpace(c: number): boolean {
  return c === 0xa0 || c === 0x3000 || c === 0xfeff || (c >= 0x2000 && c <= 0x200b) || c === 0x2028 || c === 0x2029;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === UNDERSCORE || c === DOLLAR || (c >= 128 && !isUnicodeSpace(c));
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** A short, quoted rendering of a character for messages. */
function showChar(c: number): string {
  if (c === LF) return 'a line break';
  if (c < SPACE) return `character code ${c}`;
  return `'${String.fromCharCode(c)}'`;
}

/**
 * Produces tokens from `text[from, to)` one at a time. Line and column of `from` are given
 * so a sub-lexer (for a hint body) reports positions in the original text.
 */
export class Lexer {
  readonly #text: string;
  readonly #dialect: Dialect;
  readonly #file: string | undefined;
  readonly #to: number;
  #pos: number;
  #line: number;
  /** Offset of the first character of the current line (may be negative for a sub-lexer's first line). */
  #lineStart: number;
  // End of the last token, for the position of eof.
  #lastEnd: number;
  #lastEndLine: number;
  #lastEndColumn: number;

  constructor(text: string, dialect: Dialect, file?: string, from = 0, to = text.length, line = 1, column = 1) {
    this.#text = text;
    this.#dialect = dialect;
    this.#file = file;
    this.#to = to;
    this.#pos = from;
    this.#line = line;
    this.#lineStart = from - (column - 1);
    this.#lastEnd = from;
    this.#lastEndLine = line;
    this.#lastEndColumn = column;
  }

  /** The next token; after the end of the range, an `eof` token (again and again). */
  next(): Token {
    this.#skipTrivia();
    const text = this.#text;
    const start = this.#pos;
    if (start >= this.#to) {
      return { kind: 'eof', value: '', upper: '', start: this.#lastEnd, end: this.#lastEnd, line: this.#lastEndLine, column: this.#lastEndColumn };
    }
    const line = this.#line;
    const column = start - this.#lineStart + 1;
    const c = text.charCodeAt(start);
    let tok: Token;
    if (isIdentStart(c)) {
      tok = this.#word(start, line, column);
    } else if (isDigit(c) || (c === DOT && isDigit(this.#at(start + 1)))) {
      tok = this.#number(start, line, column);
    } else if (c === QUOTE) {
      tok = this.#string(start, start, QUOTE, line, column);
    } else if (c === DQUOTE) {
      if (this.#dialect === 'flink') {
        throw this.#error(
          line,
          column,
          'double-quoted text is not allowed in Flink SQL',
          "Use single quotes for strings ('text') and backticks for identifiers (`name`).",
        );
      }
      tok = this.#string(start, start, DQUOTE, line, column);
    } else if (c === BACKTICK) {
      tok = this.#quoted(start, line, column);
    } else if (c === SLASH && this.#at(start + 1) === STAR && this.#at(start + 2) === PLUS) {
      tok = this.#hint(start, line, column);
    } else if (c === AT && this.#dialect === 'starrocks') {
      tok = this.#variable(start, line, column);
    } else {
      tok = this.#operator(start, line, column);
    }
    this.#lastEnd = this.#pos;
    this.#lastEndLine = this.#line;
    this.#lastEndColumn = this.#pos - this.#lineStart + 1;
    return tok;
  }

  #at(i: number): number {
    return i < this.#to ? this.#text.charCodeAt(i) : -1;
  }

  #error(line: number, column: number, message: string, hint?: string): StrataError {
    const location = this.#file === undefined ? { line, column } : { file: this.#file, line, column };
    return new StrataError('SQL_SYNTAX', message, hint === undefined ? { location } : { location, hint });
  }

  #newline(at: number): void {
    this.#line++;
    this.#lineStart = at + 1;
  }

  /** Skips white space and comments (`-- ...`, `/* ... *\/`, and `# ...` in starrocks). */
  #skipTrivia(): void {
    const text = this.#text;
    const to = this.#to;
    let i = this.#pos;
    while (i < to) {
      const c = text.charCodeAt(i);
      if (c === SPACE || c === TAB || c === CR || c === 12 || c === 11 || (c >= 128 && isUnicodeSpace(c))) {
        i++;
      } else if (c === LF) {
        this.#newline(i);
        i++;
      } else if ((c === MINUS && this.#at(i + 1) === MINUS) || (c === HASH && this.#dialect === 'starrocks')) {
        while (i < to && text.charCodeAt(i) !== LF) i++;
      } else if (c === SLASH && this.#at(i + 1) === STAR && this.#at(i + 2) !== PLUS) {
        const line = this.#line;
        const column = i - this.#lineStart + 1;
        i += 2;
        for (;;) {
          if (i >= to) throw this.#error(line, column, 'unterminated comment starting here; expected */ to close it');
          const d = text.charCodeAt(i);
          if (d === STAR && this.#at(i + 1) === SLASH) {
            i += 2;
            break;
          }
          if (d === LF) this.#newline(i);
          i++;
        }
      } else {
        break;
      }
    }
    this.#pos = i;
  }

  #word(start: number, line: number, column: number): Token {
    const text = this.#text;
    let i = start + 1;
    while (i < this.#to && isIdentPart(text.charCodeAt(i))) i++;
    const next = this.#at(i);
    // X'0AFF': a binary literal.
    if (i === start + 1 && (text.charCodeAt(start) | 32) === 120 && next === QUOTE) return this.#binary(start, line, column);
    // _utf8mb4'text': a character set introducer, ignored.
    if (text.charCodeAt(start) === UNDERSCORE && (next === QUOTE || (next === DQUOTE && this.#dialect === 'starrocks'))) {
      return this.#string(start, i, next, line, column);
    }
    this.#pos = i;
    const value = text.slice(start, i);
    return { kind: 'word', value, upper: value.toUpperCase(), start, end: i, line, column };
  }

  #number(start: number, line: number, column: number): Token {
    const text = this.#text;
    let i = start;
    while (isDigit(this.#at(i))) i++;
    if (this.#at(i) === DOT) {
      i++;
      while (isDigit(this.#at(i))) i++;
    }
    const e = this.#at(i);
    if (e === 69 || e === 101) {
      let j = i + 1;
      const sign = this.#at(j);
      if (sign === PLUS || sign === MINUS) j++;
      if (!isDigit(this.#at(j))) {
        this.#pos = j;
        throw this.#error(line, column, `malformed number '${text.slice(start, j)}': expected digits after the exponent`);
      }
      while (isDigit(this.#at(j))) j++;
      i = j;
    }
    if (isIdentStart(this.#at(i)) || (this.#at(i) === DOT && isDigit(this.#at(i + 1)))) {
      const name = isIdentStart(this.#at(i));
      let j = i;
      while (isIdentPart(this.#at(j)) || this.#at(j) === DOT) j++;
      const hint = name ? 'A name cannot start with a digit unless it is quoted with backticks.' : undefined;
      throw this.#error(line, column, `malformed number '${text.slice(start, j)}'`, hint);
    }
    this.#pos = i;
    const value = text.slice(start, i);
    return { kind: 'number', value, upper: '', start, end: i, line, column };
  }

  /**
   * A quoted string whose opening quote is at `quoteAt` (`start` is earlier when a
   * character set introducer precedes it). `''` (or `""`) escapes the quote; in the
   * starrocks dialect backslash escapes apply too.
   */
  #string(start: number, quoteAt: number, quote: number, line: number, column: number): Token {
    const text = this.#text;
    const to = this.#to;
    const backslash = this.#dialect === 'starrocks';
    let i = quoteAt + 1;
    let value = '';
    let chunk = i;
    for (;;) {
      if (i >= to) {
        throw this.#error(line, column + (quoteAt - start), 'unterminated string literal starting here', `Close it with ${quote === QUOTE ? "'" : '"'}.`);
      }
      const c = text.charCodeAt(i);
      if (c === quote) {
        if (this.#at(i + 1) === quote) {
          value += text.slice(chunk, i + 1);
          i += 2;
          chunk = i;
          continue;
        }
        value += text.slice(chunk, i);
        i++;
        break;
      }
      if (c === BACKSLASH && backslash && i + 1 < to) {
        value += text.slice(chunk, i);
        const e = text.charCodeAt(i + 1);
        value += unescapeMysql(e);
        if (e === LF) this.#newline(i + 1);
        i += 2;
        chunk = i;
        continue;
      }
      if (c === LF) this.#newline(i);
      i++;
    }
    this.#pos = i;
    return { kind: 'string', value, upper: '', start, end: i, line, column };
  }

  #binary(start: number, line: number, column: number): Token {
    const text = this.#text;
    let i = start + 2;
    while (i < this.#to && text.charCodeAt(i) !== QUOTE) {
      const c = text.charCodeAt(i);
      if (!isHexDigit(c)) {
        if (c === LF) break;
        throw this.#error(this.#line, i - this.#lineStart + 1, `invalid character ${showChar(c)} in binary literal; expected hexadecimal digits 0-9, A-F`);
      }
      i++;
    }
    if (this.#at(i) !== QUOTE) throw this.#error(line, column, 'unterminated binary literal starting here', "Close it with '.");
    const value = text.slice(start + 2, i);
    if (value.length % 2 !== 0) {
      throw this.#error(line, column, `binary literal X'${value}' has an odd number of hexadecimal digits`, 'Write two digits per byte.');
    }
    this.#pos = i + 1;
    return { kind: 'binary', value, upper: '', start, end: i + 1, line, column };
  }

  #quoted(start: number, line: number, column: number): Token {
    const text = this.#text;
    const to = this.#to;
    let i = start + 1;
    let value = '';
    let chunk = i;
    for (;;) {
      if (i >= to) throw this.#error(line, column, 'unterminated quoted identifier starting here', 'Close it with `.');
      const c = text.charCodeAt(i);
      if (c === BACKTICK) {
        if (this.#at(i + 1) === BACKTICK) {
          value += text.slice(chunk, i + 1);
          i += 2;
          chunk = i;
          continue;
        }
        value += text.slice(chunk, i);
        i++;
        break;
      }
      if (c === LF) this.#newline(i);
      i++;
    }
    if (value.length === 0) throw this.#error(line, column, 'empty quoted identifier ``', 'A name needs at least one character.');
    this.#pos = i;
    return { kind: 'quoted', value, upper: '', start, end: i, line, column };
  }

  #hint(start: number, line: number, column: number): Token {
    const text = this.#text;
    const to = this.#to;
    let i = start + 3;
    for (;;) {
      if (i >= to) throw this.#error(line, column, 'unterminated hint starting here; expected */ to close it');
      const c = text.charCodeAt(i);
      if (c === STAR && this.#at(i + 1) === SLASH) break;
      if (c === LF) this.#newline(i);
      i++;
    }
    this.#pos = i + 2;
    return { kind: 'hint', value: text.slice(start + 3, i), upper: '', start, end: i + 2, line, column };
  }

  #variable(start: number, line: number, column: number): Token {
    let i = start + 1;
    if (this.#at(i) === AT) i++;
    const nameStart = i;
    while (isIdentPart(this.#at(i)) || (this.#at(i) === DOT && isIdentStart(this.#at(i + 1)))) i++;
    if (i === nameStart) {
      throw this.#error(line, column, `expected a variable name after '${this.#text.slice(start, nameStart)}'`);
    }
    this.#pos = i;
    return { kind: 'variable', value: this.#text.slice(start, i), upper: '', start, end: i, line, column };
  }

  #operator(start: number, line: number, column: number): Token {
    const c = this.#text.charCodeAt(start);
    const d = this.#at(start + 1);
    let op: string | null = null;
    if (c === LT) {
      if (d === EQ) op = this.#at(start + 2) === GT ? '<=>' : '<=';
      else if (d === GT) op = '<>';
    } else if (c === GT && d === EQ) op = '>=';
    else if (c === BANG && d === EQ) op = '!=';
    else if (c === PIPE && d === PIPE) op = '||';
    else if (c === AMP && d === AMP) op = '&&';
    else if (c === EQ && d === GT) op = '=>';
    if (op === null) {
      const ch = String.fromCharCode(c);
      if (!SINGLE_OPS.includes(ch)) {
        throw this.#error(line, column, `unexpected character ${showChar(c)}`);
      }
      op = ch;
    }
    this.#pos = start + op.length;
    return { kind: 'op', value: op, upper: '', start, end: this.#pos, line, column };
  }
}

/** The character a MySQL backslash escape stands for (`\n`, `\t`, `\0`, ...); `\%` and `\_` stay as written. */
function unescapeMysql(e: number): string {
  switch (e) {
    case 110: // n
      return '\n';
    case 116: // t
      return '\t';
    case 114: // r
      return '\r';
    case 98: // b
      return '\b';
    case 48: // 0
      return '\0';
    case 90: // Z
      return '\x1a';
    case PERCENT:
      return '\\%';
    case UNDERSCORE:
      return '\\_';
    default:
      return String.fromCharCode(e);
  }
}

/** All tokens of `text` up to and including `eof` (for tests and tools; the parser lexes on demand). */
export function tokenize(text: string, dialect: Dialect, file?: string): Token[] {
  const lexer = new Lexer(text, dialect, file);
  const out: Token[] = [];
  for (;;) {
    const t = lexer.next();
    out.push(t);
    if (t.kind === 'eof') return out;
  }
}
