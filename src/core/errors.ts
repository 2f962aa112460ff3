/**
 * The one error type of Strata. Every failure a user can see is a StrataError with a
 * stable `code`, a `domain`, and a message that says what happened, where, and what to do.
 * Library code never throws a bare Error for a user-facing condition.
 */

export type ErrorCode =
  // SQL front end
  | 'SQL_SYNTAX' // lexer or parser: unexpected token, unterminated literal
  | 'SQL_VALIDATION' // binder: unknown table/column/function, type mismatch, bad DDL
  | 'SQL_UNSUPPORTED' // valid SQL that Strata does not run (yet)
  | 'SQL_PLAN' // the query cannot be maintained incrementally as asked
  | 'CATALOG_OBJECT_EXISTS'
  | 'CATALOG_OBJECT_NOT_FOUND'
  // connectors and options
  | 'CONNECTOR_OPTION' // unknown, missing or malformed option
  | 'CONNECTOR_NOT_FOUND'
  | 'CONNECTOR_IO' // an external system failed (transient unless said otherwise)
  | 'CONNECTOR_DATA' // the data itself is wrong or gone (definite)
  // running
  | 'USAGE' // command line
  | 'RUNTIME' // a job failed while running
  | 'STATE' // checkpoint or state problem
  | 'INTERNAL'; // a bug in Strata

/** user: the input is wrong; external: a system outside Strata; internal: Strata itself. */
export type ErrorDomain = 'user' | 'external' | 'internal';

export interface SourceLocation {
  readonly file?: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

export interface StrataErrorOptions {
  readonly domain?: ErrorDomain | undefined;
  readonly retryable?: boolean | undefined;
  readonly location?: SourceLocation | undefined;
  /** What the user can do about it; appended to the message. */
  readonly hint?: string | undefined;
  readonly details?: Record<string, unknown> | undefined;
  readonly cause?: unknown;
}

const DEFAULT_DOMAIN: Record<ErrorCode, ErrorDomain> = {
  SQL_SYNTAX: 'user',
  SQL_VALIDATION: 'user',
  SQL_UNSUPPORTED: 'user',
  SQL_PLAN: 'user',
  CATALOG_OBJECT_EXISTS: 'user',
  CATALOG_OBJECT_NOT_FOUND: 'user',
  CONNECTOR_OPTION: 'user',
  CONNECTOR_NOT_FOUND: 'user',
  CONNECTOR_IO: 'external',
  CONNECTOR_DATA: 'external',
  USAGE: 'user',
  RUNTIME: 'external',
  STATE: 'internal',
  INTERNAL: 'internal',
};

export class StrataError extends Error {
  readonly code: ErrorCode;
  readonly domain: ErrorDomain;
  readonly retryable: boolean;
  readonly location: SourceLocation | undefined;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  /** The message without location prefix or hint. */
  readonly bare: string;

  constructor(code: ErrorCode, message: string, options: StrataErrorOptions = {}) {
    const loc = options.location;
    const where = loc === undefined ? '' : `${loc.file !== undefined ? loc.file + ':' : ''}${loc.line}:${loc.column}: `;
    const hint = options.hint === undefined ? '' : ` ${options.hint}`;
    super(where + message + hint, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StrataError';
    this.code = code;
    this.domain = options.domain ?? DEFAULT_DOMAIN[code];
    this.retryable = options.retryable ?? false;
    this.location = loc;
    this.hint = options.hint;
    this.details = options.details;
    this.bare = message;
  }

  /** A copy of this error that names `file` in its location. */
  inFile(file: string): StrataError {
    if (this.location === undefined || this.location.file !== undefined) return this;
    const opts: StrataErrorOptions = {
      domain: this.domain,
      retryable: this.retryable,
      location: { file, line: this.location.line, column: this.location.column },
      ...(this.hint !== undefined ? { hint: this.hint } : {}),
      ...(this.details !== undefined ? { details: this.details } : {}),
    };
    return new StrataError(this.code, this.bare, opts);
  }

  /** Exit code for the CLI: 2 for usage and SQL errors, 1 otherwise. */
  get exitCode(): number {
    return this.domain === 'user' ? 2 : 1;
  }
}

export function isStrataError(e: unknown): e is StrataError {
  return e instanceof StrataError;
}

/** Wraps anything thrown into a StrataError (unknown errors become INTERNAL). */
export function toStrataError(e: unknown): StrataError {
  if (e instanceof StrataError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new StrataError('INTERNAL', `internal error: ${msg}`, { cause: e });
}
