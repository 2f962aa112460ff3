import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import { T } from '../../core/types.js';
import { inlineTableSql, likeMatches, mysqlFormatToStrftime, quoteIdent, quoteString, valueLiteral } from './sql-text.js';

const POS = { line: 1, column: 5, offset: 4 };

describe('DuckDB literals and names', () => {
  test('identifiers and strings escape their quotes; backslash stays literal', () => {
    assert.equal(quoteIdent('a"b'), '"a""b"');
    assert.equal(quoteString("it's \\n"), "'it''s \\n'");
  });

  test('values as literals', () => {
    assert.equal(valueLiteral(null), 'NULL');
    assert.equal(valueLiteral(true), 'TRUE');
    assert.equal(valueLiteral(42), '42');
    assert.equal(valueLiteral(-0), '0');
    assert.equal(valueLiteral(1.5), 'CAST(1.5 AS DOUBLE)');
    assert.equal(valueLiteral(Number.NaN), "CAST('NaN' AS DOUBLE)");
    assert.equal(valueLiteral(12345678901234567890n), '12345678901234567890');
    assert.equal(valueLiteral(Decimal.parse('-1.50')!), '-1.50');
    assert.equal(valueLiteral('x'), "'x'");
    assert.equal(valueLiteral(new Uint8Array([0, 255])), "from_hex('00ff')");
    assert.equal(valueLiteral(19723, T.date()), "DATE '2024-01-01'");
    assert.equal(valueLiteral(1704067200000000n, T.timestamp(0)), "TIMESTAMP '2024-01-01 00:00:00.000000'");
  });

  test('constant tables, empty or not', () => {
    const cols = [
      { name: 'A', type: T.string() },
      { name: 'N', type: T.bigint() },
    ];
    assert.equal(inlineTableSql(cols, []), 'SELECT CAST(NULL AS VARCHAR) AS "A", CAST(NULL AS BIGINT) AS "N" WHERE FALSE');
    assert.equal(
      inlineTableSql(cols, [['x', 1n], [null, null]]),
      `SELECT CAST(c0 AS VARCHAR) AS "A", CAST(c1 AS BIGINT) AS "N" FROM (VALUES ('x', 1), (NULL, NULL)) AS v(c0, c1)`,
    );
  });
});

describe('MySQL LIKE for SHOW ... LIKE', () => {
  test('% and _ and escapes, case-insensitive', () => {
    assert.ok(likeMatches('version_comment', 'version%'));
    assert.ok(likeMatches('Version', 'v_rsion'));
    assert.ok(!likeMatches('version', 'v_rsion_'));
    assert.ok(likeMatches('a_b', 'a\\_b'));
    assert.ok(!likeMatches('axb', 'a\\_b'));
    assert.ok(likeMatches('a.b', 'a.b'));
    assert.ok(!likeMatches('axb', 'a.b'));
  });
});

describe('DATE_FORMAT → strftime', () => {
  test('every MySQL specifier', () => {
    assert.equal(mysqlFormatToStrftime('%Y-%m-%d %H:%i:%s', false, POS).format, '%Y-%m-%d %H:%M:%S');
    assert.equal(mysqlFormatToStrftime('%e/%c/%y %k:%l %h %I %p %W %a %M %b %j %f %T %r %U %u %V %v %w %X %x %S', false, POS).format,
      '%-d/%-m/%y %-H:%-I %I %I %p %A %a %B %b %j %f %H:%M:%S %I:%M:%S %p %U %W %V %V %w %G %G %S');
    assert.equal(mysqlFormatToStrftime('100%% %q %', false, POS).format, '100%% q %%');
  });

  test('parsing formats have no - flags; which parts are present', () => {
    assert.deepEqual(mysqlFormatToStrftime('%e/%c/%Y', true, POS), { format: '%d/%m/%Y', hasTime: false, hasDate: true });
    assert.deepEqual(mysqlFormatToStrftime('%k:%i', true, POS), { format: '%H:%M', hasTime: true, hasDate: false });
  });

  test('%D is unsupported, located at the format', () => {
    try {
      mysqlFormatToStrftime('%D %M', false, POS);
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof StrataError);
      assert.equal(e.code, 'SQL_UNSUPPORTED');
      assert.deepEqual(e.location, { line: 1, column: 5 });
    }
  });
});
