import { StrataError, type ErrorCode } from '../../core/errors.js';

/** DuckDB's error text (its exceptions are plain Errors whose message starts with the kind: `Binder Error: …`). */
export function duckDbMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * The StrataError code for a DuckDB error message: `Catalog Error` → CATALOG_OBJECT_NOT_FOUND
 * (CATALOG_OBJECT_EXISTS when it says "already exists"), `Binder Error` / `Parser Error` →
 * SQL_VALIDATION, everything else (constraint, conversion, I/O, out of memory, …) → RUNTIME.
 */
export function codeOfDuckDbMessage(message: string): ErrorCode {
  if (message.startsWith('Catalog Error')) return /already exists/i.test(message) ? 'CATALOG_OBJECT_EXISTS' : 'CATALOG_OBJECT_NOT_FOUND';
  if (message.startsWith('Binder Error') || message.startsWith('Parser Error')) return 'SQL_VALIDATION';
  return 'RUNTIME';
}

/** A failed query as a StrataError: `query failed: <DuckDB's message>`. */
export function queryError(e: unknown): StrataError {
  if (e instanceof StrataError) return e;
  const message = duckDbMessage(e);
  return new StrataError(codeOfDuckDbMessage(message), `query failed: ${message}`, { cause: e });
}

/**
 * A failed warehouse operation (DDL, apply) as a StrataError naming what was being done
 * (`apply to shop.orders`); DuckDB's text is kept. StrataErrors pass through unchanged.
 */
export function operationError(e: unknown, what: string, hint?: string): StrataError {
  if (e instanceof StrataError) return e;
  const message = duckDbMessage(e);
  return new StrataError(codeOfDuckDbMessage(message) === 'RUNTIME' ? 'RUNTIME' : 'INTERNAL', `${what} failed: ${message}`, {
    cause: e,
    ...(hint !== undefined ? { hint } : {}),
  });
}
