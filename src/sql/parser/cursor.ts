/**
 * The parser's cursor: the token buffer (filled lazily from the lexer, so an error is
 * reported at the first wrong place in the script, not at a later bad string), token
 * tests, and the small shared pieces of the grammar (names, string literals, option
 * lists, hints). The grammar itself lives in expressions.ts, query.ts, ddl.ts and
 * statements.ts as functions of a `Parser`.
 */

import { StrataError, type ErrorCode } from '../../core/errors.js';
import type { Pos, Property, QualifiedName } from '../ast.js';
import { Lexer, type Token } from '../lexer.js';
import type { Dialect, ParseOptions } from '../parser.js';
import { isReserved } from './keywords.js';

const MAX_SHOWN = 40;

function shorten(s: string): string {
  const oneLine = s.replace(/\s+/g, ' ');
  return oneLine.length > MAX_SHOWN ? oneLine.slice(0, MAX_SHOWN) + '...' : oneLine;
}

/** How a token is named in an error message: `'SELECT'`, `string 'abc'`, `end of input`. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of input';
    case 'string':
      return `string '${shorten(t.value)}'`;
    case 'quoted':
      return `\`${shorten(t.value)}\``;
    case 'binary':
      return `X'${shorten(t.value)}'`;
    case 'hint':
      return "hint '/*+ ... */'";
    case 'number':
      return `number ${shorten(t.value)}`;
    default:
      return `'${shorten(t.value)}'`;
  }
}

export class Parser {
  readonly text: string;
  readonly dialect: Dialect;
  readonly file: string | undefined;
  readonly #lexer: Lexer;
  readonly #tokens: Token[] = [];
  #index = 0;
  /** Offset of the current statement's first character; node offsets are relative to it. */
  base = 0;
  /** `?` parameters seen in the current statement. */
  paramCount = 0;

  constructor(text: string, options: ParseOptions, lexer?: Lexer) {
    this.text = text;
    this.dialect = options.dialect;
    this.file = options.file;
    this.#lexer = lexer ?? new Lexer(text, options.dialect, options.file);
  }

  // ---- tokens ------------------------------------------------------------------

  peek(k = 0): Token {
    const want = this.#index + k;
    while (this.#tokens.length <= want) this.#tokens.push(this.#lexer.next());
    return this.#tokens[want] as Token;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.#index++;
    return t;
  }

  /** The last consumed token (the first token if none was consumed). */
  prev(): Token {
    return this.#tokens[Math.max(0, this.#index - 1)] ?? this.peek();
  }

  /** Is token `k` ahead the keyword `upper` (an unquoted word)? */
  isWord(upper: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'word' && t.upper === upper;
  }

  isOp(op: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'op' && t.value === op;
  }

  isEnd(k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'eof' || (t.kind === 'op' && t.value === ';');
  }

  acceptWord(upper: string): boolean {
    if (!this.isWord(upper)) return false;
    this.#index++;
    return true;
  }

  acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.#index++;
    return true;
  }

  /** Consumes keyword `upper` or fails with `expected <upper> <context>, found ...`. */
  expectWord(upper: string, context = ''): Token {
    if (!this.isWord(upper)) this.fail(context === '' ? upper : `${upper} ${context}`);
    return this.next();
  }

  expectOp(op: string, context = ''): Token {
    if (!this.isOp(op)) this.fail(context === '' ? `'${op}'` : `'${op}' ${context}`);
    return this.next();
  }

  // ---- positions and errors ----------------------------------------------------

  pos(t: Token): Pos {
    return { line: t.line, column: t.column, offset: t.start - this.base };
  }

  error(t: Token, message: string, hint?: string, code: ErrorCode = 'SQL_SYNTAX'): StrataError {
    const location = this.file === undefined ? { line: t.line, column: t.column } : { file: this.file, line: t.line, column: t.column };
    return new StrataError(code, message, hint === undefined ? { location } : { location, hint });
  }

  /** A hint for an operator of the other dialect (`&&` in Flink), or undefined. */
  operatorHint(t: Token): string | undefined {
    if (t.kind !== 'op' || this.dialect !== 'flink') return undefined;
    if (t.value === '&&') return 'Flink SQL has no &&: write AND.';
    if (t.value === '!') return 'Flink SQL has no !: write NOT.';
    return undefined;
  }

  /** Throws `expected <expected>, found <token>` at the token. */
  fail(expected: string, t: Token = this.peek(), hint?: string): never {
    let h = hint ?? this.operatorHint(t);
    if (h === undefined && t.kind === 'word' && isReserved(t.upper, this.dialect) && /name|identifier|alias|column definition/.test(expected)) {
      h = `${t.upper} is a reserved word; to use it as a name, quote it with backticks: \`${t.value}\`.`;
    }
    throw this.error(t, `expected ${expected}, found ${describeToken(t)}`, h);
  }

  /** Throws SQL_UNSUPPORTED at the token: valid SQL that Strata does not accept (yet). */
  unsupported(t: Token, message: string, hint?: string): never {
    throw this.error(t, message, hint, 'SQL_UNSUPPORTED');
  }

  /** The exact source text from the start of `first` to the end of `last`. */
  slice(first: Token, last: Token): string {
    return this.text.slice(first.start, Math.max(first.start, last.end));
  }

  // ---- names -------------------------------------------------------------------

  /** Can token `k` be a name (a quoted identifier or a non-reserved word)? */
  isIdentifier(k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'quoted' || (t.kind === 'word' && !isReserved(t.upper, this.dialect));
  }

  /** A single name; `what` names it in the error (`a column name`). */
  identifier(what: string): string {
    if (!this.isIdentifier()) this.fail(what);
    return this.next().value;
  }

  /** A name after a `.`: any word is allowed there (`t.order`), quoted or not. */
  #namePart(what: string): string {
    const t = this.peek();
    if (t.kind !== 'quoted' && t.kind !== 'word') this.fail(`${what} after '.'`);
    return this.next().value;
  }

  /** `a`, `a.b`, `a.b.c`: at most `maxParts` parts. */
  qualifiedName(what: string, maxParts = 3): QualifiedName {
    const first = this.peek();
    const parts = [this.identifier(what)];
    while (this.isOp('.')) {
      const dot = this.next();
      if (parts.length >= maxParts) {
        throw this.error(dot, `too many parts in ${what}: at most ${maxParts} (catalog.database.object) are allowed`);
      }
      parts.push(this.#namePart(what));
    }
    return { parts, pos: this.pos(first) };
  }

  /** `'(' name [, name]* ')'`. */
  nameList(what: string): string[] {
    this.expectOp('(', `before the list of ${what}s`);
    const names = [this.identifier(what)];
    while (this.acceptOp(',')) names.push(this.identifier(what));
    this.expectOp(')', `or ',' in the list of ${what}s`);
    return names;
  }

  /** A string literal's value. */
  string(what: string): string {
    const t = this.peek();
    if (t.kind !== 'string') this.fail(what);
    return this.next().value;
  }

  /** A non-negative integer literal. */
  integer(what: string): number {
    const t = this.peek();
    if (t.kind !== 'number' || !/^\d+$/.test(t.value)) this.fail(what);
    this.next();
    return Number(t.value);
  }

  /** `IF NOT EXISTS` (optional). */
  ifNotExists(): boolean {
    if (!this.isWord('IF')) return false;
    this.next();
    this.expectWord('NOT', 'after IF');
    this.expectWord('EXISTS', 'after IF NOT');
    return true;
  }

  /** `IF EXISTS` (optional). */
  ifExists(): boolean {
    if (!this.isWord('IF')) return false;
    this.next();
    this.expectWord('EXISTS', 'after IF');
    return true;
  }

  // ---- option lists and hints --------------------------------------------------

  /** `( 'key' = 'value' [, ...] )` after WITH, PROPERTIES, SET or in an OPTIONS hint; `clause` names it. */
  properties(clause: string): Property[] {
    this.expectOp('(', `after ${clause}`);
    const out: Property[] = [];
    if (this.acceptOp(')')) return out;
    for (;;) {
      const keyTok = this.peek();
      if (keyTok.kind !== 'string') {
        const quote = this.dialect === 'flink' ? "'" : '"';
        this.fail(
          `a quoted option key in ${clause} (like ${quote}connector${quote})`,
          keyTok,
          keyTok.kind === 'word' || keyTok.kind === 'quoted' ? `Option keys and values are strings: write ${quote}${keyTok.value}${quote}.` : undefined,
        );
      }
      this.next();
      this.expectOp('=', `after option key '${shorten(keyTok.value)}'`);
      const valTok = this.peek();
      if (valTok.kind !== 'string') {
        const quote = this.dialect === 'flink' ? "'" : '"';
        this.fail(
          `a quoted value for option '${shorten(keyTok.value)}'`,
          valTok,
          valTok.kind === 'number' || valTok.kind === 'word' ? `Option values are strings: write ${quote}${valTok.value}${quote}.` : undefined,
        );
      }
      this.next();
      out.push({ key: keyTok.value, value: valTok.value, pos: this.pos(keyTok) });
      if (this.acceptOp(',')) {
        if (this.isOp(')')) this.fail(`another option after ',' in ${clause}`, this.peek(), "Remove the trailing comma before ')'.");
        continue;
      }
      if (this.isOp(')')) {
        this.next();
        return out;
      }
      this.fail(`',' or ')' in ${clause}`);
    }
  }

  /**
   * Zero or more hints `/*+ NAME(...) [, NAME(...)] *\/` at the cursor. Returns the
   * properties of every OPTIONS(...) hint; other hints (join hints, STATE_TTL, ...) are
   * checked for balanced parentheses and ignored.
   */
  hints(): Property[] {
    let out: Property[] = [];
    while (this.peek().kind === 'hint') {
      const h = this.next();
      const sub = new Parser(
        this.text,
        this.file === undefined ? { dialect: this.dialect } : { dialect: this.dialect, file: this.file },
        new Lexer(this.text, this.dialect, this.file, h.start + 3, h.end - 2, h.line, h.column + 3),
      );
      sub.base = this.base;
      out = out.concat(sub.#hintBody());
    }
    return out;
  }

  #hintBody(): Property[] {
    let out: Property[] = [];
    while (this.peek().kind !== 'eof') {
      const name = this.peek();
      if (name.kind !== 'word') this.fail('a hint name such as OPTIONS');
      this.next();
      if (name.upper === 'OPTIONS') {
        out = out.concat(this.properties('the OPTIONS hint'));
      } else if (this.isOp('(')) {
        let depth = 0;
        do {
          const t = this.next();
          if (t.kind === 'eof') this.fail(`')' to close the ${name.upper} hint`);
          if (t.kind === 'op' && t.value === '(') depth++;
          else if (t.kind === 'op' && t.value === ')') depth--;
        } while (depth > 0);
      }
      this.acceptOp(',');
    }
    return out;
  }
}
