/**
 * Data types as written: `INT`, `DECIMAL(10, 2)`, `VARCHAR(40)`, `TIMESTAMP(3) WITH LOCAL
 * TIME ZONE`, `ARRAY<INT>`, `MAP<STRING, INT>`, `ROW<a INT, b STRING>`, and MySQL's
 * `BIGINT(20) UNSIGNED`, `VARCHAR(10) CHARACTER SET utf8mb4 COLLATE x`.
 *
 * Any non-reserved word is accepted as a type name (the binder says which ones exist);
 * multi-word names are normalized to one upper-case name with single spaces.
 */

import type { TypeName } from '../ast.js';
import type { Parser } from './cursor.js';

/** Parses a data type; `context` completes the error message (`for column 'a'`). */
export function parseDataType(p: Parser, context = ''): TypeName {
  const t = p.peek();
  const suffix = context === '' ? '' : ` ${context}`;
  if (t.kind !== 'word' || !p.isIdentifier()) p.fail(`a data type${suffix}`);
  p.next();
  const pos = p.pos(t);
  let name = t.upper;
  let unsigned = false;
  let elements: TypeName[] = [];

  switch (name) {
    case 'DOUBLE':
      if (p.acceptWord('PRECISION')) name = 'DOUBLE PRECISION';
      break;
    case 'CHARACTER':
    case 'CHAR':
      if (p.acceptWord('VARYING')) name = `${name} VARYING`;
      break;
    case 'SIGNED':
      if (!p.acceptWord('INTEGER')) p.acceptWord('INT');
      break;
    case 'UNSIGNED':
      unsigned = true;
      if (!p.acceptWord('INTEGER')) p.acceptWord('INT');
      break;
    case 'ARRAY':
    case 'MULTISET':
      if (p.isOp('<')) {
        p.next();
        elements = [parseElementType(p)];
        p.expectOp('>', `to close ${name}<...>`);
      }
      break;
    case 'MAP':
      if (p.isOp('<')) {
        p.next();
        const k = parseElementType(p);
        p.expectOp(',', 'between the key and value types of MAP<K, V>');
        const v = parseElementType(p);
        p.expectOp('>', 'to close MAP<K, V>');
        elements = [k, v];
      }
      break;
    case 'ROW':
      if (p.isOp('<') || p.isOp('(')) {
        const close = p.next().value === '<' ? '>' : ')';
        if (!p.isOp(close)) {
          do {
            p.identifier('a field name in ROW');
            elements.push(parseElementType(p));
            if (p.acceptWord('COMMENT')) p.string('a string after COMMENT');
          } while (p.acceptOp(','));
        }
        p.expectOp(close, `or ',' in ROW${close === '>' ? '<...>' : '(...)'}`);
      }
      break;
    default:
      break;
  }

  const params: number[] = [];
  if (p.isOp('(') && elements.length === 0 && name !== 'ROW') {
    p.next();
    do params.push(p.integer(`an integer parameter of ${name}`));
    while (p.acceptOp(','));
    p.expectOp(')', `to close the parameters of ${name}`);
  }

  if (name === 'TIMESTAMP' || name === 'TIME') {
    if (p.isWord('WITHOUT') && p.isWord('TIME', 1)) {
      p.next();
      p.next();
      p.expectWord('ZONE', `after ${name} WITHOUT TIME`);
    } else if (p.isWord('WITH') && (p.isWord('LOCAL', 1) || p.isWord('TIME', 1))) {
      p.next();
      const local = p.acceptWord('LOCAL');
      p.expectWord('TIME', local ? 'after WITH LOCAL' : 'after WITH');
      p.expectWord('ZONE', 'after TIME');
      if (local) name = name === 'TIMESTAMP' ? 'TIMESTAMP_LTZ' : 'TIME WITH LOCAL TIME ZONE';
      else name = `${name} WITH TIME ZONE`;
    }
  }

  // MySQL modifiers: UNSIGNED / SIGNED / ZEROFILL, CHARACTER SET x / CHARSET x, COLLATE y.
  for (;;) {
    if (p.acceptWord('UNSIGNED')) unsigned = true;
    else if (p.acceptWord('SIGNED') || p.acceptWord('ZEROFILL')) continue;
    else if (!skipCharsetOrCollate(p)) break;
  }

  return { name, params, unsigned, elements, pos };
}

/** An element type inside `<...>`; a trailing NOT NULL / NULL is accepted and ignored. */
function parseElementType(p: Parser): TypeName {
  const t = parseDataType(p);
  if (p.isWord('NOT') && p.isWord('NULL', 1)) {
    p.next();
    p.next();
  } else {
    p.acceptWord('NULL');
  }
  return t;
}

/** Skips `CHARACTER SET x`, `CHARSET x` or `COLLATE x` (MySQL, ignored); true if one was there. */
export function skipCharsetOrCollate(p: Parser): boolean {
  if (p.isWord('CHARACTER') && p.isWord('SET', 1)) {
    p.next();
    p.next();
  } else if (!p.acceptWord('CHARSET') && !p.acceptWord('COLLATE')) {
    return false;
  }
  const t = p.peek();
  if (t.kind === 'word' || t.kind === 'quoted' || t.kind === 'string') p.next();
  else p.fail('a character set or collation name');
  return true;
}
