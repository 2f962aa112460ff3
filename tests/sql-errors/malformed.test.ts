/**
 * Malformed SQL: each row is [sql, line, column, message substring, dialect?]. Every one
 * must fail with a StrataError('SQL_SYNTAX') located at the offending token, with a
 * message that says what was found and what was expected, and no internals in it.
 */

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { StrataError } from '../../src/core/errors.js';
import { parseStatements, type Dialect } from '../../src/sql/parser.js';

type Row = readonly [sql: string, line: number, column: number, message: string, dialect?: Dialect];

const ROWS: readonly Row[] = [
  ["SELECT 'abc", 1, 8, "unterminated string literal starting here"],
  ["SELECT a FROM t WHERE s = 'it''s", 1, 27, "unterminated string literal starting here"],
  ["SELECT \"name\" FROM t", 1, 8, "double-quoted text is not allowed in Flink SQL"],
  ["SELECT a /* not closed\nFROM t", 1, 10, "unterminated comment starting here; expected */ to close it"],
  ["SELECT a FROM t /*+ OPTIONS('a'='b')", 1, 17, "unterminated hint starting here; expected */ to close it"],
  ["SELECT `a FROM t", 1, 8, "unterminated quoted identifier starting here"],
  ["SELECT `` FROM t", 1, 8, "empty quoted identifier ``"],
  ["SELECT 1e FROM t", 1, 8, "malformed number '1e': expected digits after the exponent"],
  ["SELECT 1.5e+ FROM t", 1, 8, "malformed number '1.5e+': expected digits after the exponent"],
  ["SELECT 12abc FROM t", 1, 8, "malformed number '12abc'"],
  ["SELECT 1.2.3", 1, 8, "malformed number '1.2.3'"],
  ["SELECT X'ABC'", 1, 8, "binary literal X'ABC' has an odd number of hexadecimal digits"],
  ["SELECT X'0Z'", 1, 11, "invalid character 'Z' in binary literal; expected hexadecimal digits 0-9, A-F"],
  ["SELECT a # b FROM t", 1, 10, "unexpected character '#'"],
  ["SELECT @@version", 1, 8, "unexpected character '@'"],
  ["SELECT \"abc", 1, 8, "unterminated string literal starting here", 'starrocks'],
  ["SELECT a\nFROM t\nWHERE b = 'x", 3, 11, "unterminated string literal starting here"],
  ["SELECT a + FROM t", 1, 12, "expected an expression, found 'FROM'"],
  ["SELECT (a + b FROM t", 1, 15, "expected ')' to close the parenthesis, found 'FROM'"],
  ["SELECT a + b) FROM t", 1, 13, "unexpected ')' after the end of the statement; expected ';' or the end of the statement"],
  ["SELECT * FROM t WHERE a = ", 1, 26, "expected an expression, found end of input"],
  ["SELECT * FROM t WHERE a =", 1, 26, "expected an expression, found end of input"],
  ["SELECT * FROM t WHERE AND b", 1, 23, "expected an expression, found 'AND'"],
  ["SELECT * FROM t WHERE a IS 5", 1, 28, "expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS, found number 5"],
  ["SELECT * FROM t WHERE a BETWEEN 1 OR 2", 1, 35, "expected AND between the bounds of BETWEEN, found 'OR'"],
  ["SELECT * FROM t WHERE a IN 1, 2", 1, 28, "expected '(' after IN, found number 1"],
  ["SELECT * FROM t WHERE a IN (1, 2", 1, 33, "expected ')' or ',' in the IN list, found end of input"],
  ["SELECT * FROM t WHERE a NOT NULL", 1, 25, "unexpected 'NOT' after the end of the statement; expected ';' or the end of the statement"],
  ["SELECT CASE WHEN a THEN 1 FROM t", 1, 27, "expected WHEN, ELSE or END in CASE, found 'FROM'"],
  ["SELECT CASE a END FROM t", 1, 15, "expected WHEN in CASE, found 'END'"],
  ["SELECT CASE WHEN a 1 END FROM t", 1, 20, "expected THEN after the WHEN condition, found number 1"],
  ["SELECT CAST(a INT) FROM t", 1, 15, "expected AS in CAST(value AS type), found 'INT'"],
  ["SELECT CAST(a AS) FROM t", 1, 17, "expected a data type in CAST, found ')'"],
  ["SELECT CAST(a AS INT FROM t", 1, 22, "expected ')' to close CAST(...), found 'FROM'"],
  ["SELECT f(a,) FROM t", 1, 12, "expected an expression, found ')'"],
  ["SELECT f(a b) FROM t", 1, 12, "expected ')' or ',' in the arguments of f, found 'b'"],
  ["SELECT COUNT(DISTINCT) FROM t", 1, 22, "expected an expression after DISTINCT, found ')'"],
  ["SELECT INTERVAL '5' FROM t", 1, 21, "expected an interval unit (SECOND, MINUTE, HOUR, DAY, MONTH, YEAR, ...), found 'FROM'"],
  ["SELECT INTERVAL '5' SECONDZ FROM t", 1, 21, "expected an interval unit (SECOND, MINUTE, HOUR, DAY, MONTH, YEAR, ...), found 'SECONDZ'"],
  ["SELECT EXTRACT(DAY ts) FROM t", 1, 20, "expected FROM in EXTRACT(unit FROM value), found 'ts'"],
  ["SELECT a && b FROM t", 1, 10, "unexpected '&&' after the end of the statement; expected ';' or the end of the statement"],
  ["SELECT t.* + 1 FROM t", 1, 12, "unexpected '+' after the end of the statement; expected ';' or the end of the statement"],
  ["SELECT a FROM t WHERE * > 1", 1, 23, "expected an expression, found '*'"],
  ["SELECT SUM(a) OVER PARTITION BY b FROM t", 1, 20, "expected '(' after OVER, found 'PARTITION'"],
  ["SELECT a FROM t WHERE x = 1 = ", 1, 30, "expected an expression, found end of input"],
  ["SELECT FROM t", 1, 8, "expected an expression, found 'FROM'"],
  ["SELECT a, FROM t", 1, 11, "expected an expression, found 'FROM'"],
  ["SELECT a FROM", 1, 14, "expected a table name, (subquery) or TABLE(...) in FROM, found end of input"],
  ["SELECT a FROM t WHERE", 1, 22, "expected an expression, found end of input"],
  ["SELECT a FROM t GROUP a", 1, 23, "expected BY after GROUP, found 'a'"],
  ["SELECT a FROM t ORDER a", 1, 23, "expected BY after ORDER, found 'a'"],
  ["SELECT a FROM t LIMIT", 1, 22, "expected an expression, found end of input"],
  ["SELECT a FROM t LIMIT 1, 2", 1, 24, "expected OFFSET or the end of the query, found ','"],
  ["SELECT a b c FROM t", 1, 12, "unexpected 'c' after the end of the statement; expected ';' or the end of the statement"],
  ["SELECT a FROM t JOIN u", 1, 23, "expected ON or USING after the joined table, found end of input"],
  ["SELECT a FROM t LEFT u ON x", 1, 22, "expected JOIN after LEFT, found 'u'"],
  ["SELECT a FROM t JOIN u ON", 1, 26, "expected an expression, found end of input"],
  ["SELECT a FROM (SELECT 1", 1, 24, "expected ')' to close the subquery, found end of input"],
  ["SELECT a FROM t FOR SYSTEM_TIME OF x", 1, 33, "expected AS after FOR SYSTEM_TIME, found 'OF'"],
  ["SELECT a FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE)", 1, 73, "expected ')' to close TABLE(...), found end of input"],
  ["SELECT a FROM t UNION", 1, 22, "expected SELECT, VALUES or a parenthesized query, found end of input"],
  ["SELECT a FROM t WHERE select = 1", 1, 23, "expected an expression, found 'select'"],
  ["WITH x AS SELECT 1 SELECT * FROM x", 1, 11, "expected '(' after WITH x AS, found 'SELECT'"],
  ["WITH x AS (SELECT 1)", 1, 21, "expected SELECT after the WITH queries, found end of input"],
  ["VALUES (1, 2", 1, 13, "expected ')' or ',' in the VALUES row, found end of input"],
  ["SELECT a FROM t\nWHERE b = 1\nGROUP BY\nORDER BY a", 4, 1, "expected an expression, found 'ORDER'"],
  ["CREATE TABLE t (a INT INT)", 1, 23, "expected ',' or ')' after column definition, found 'INT'"],
  ["CREATE TABLE t (a INT, b)", 1, 25, "expected a data type for column 'b', found ')'"],
  ["CREATE TABLE t (a INT,)", 1, 23, "expected a column definition after ',', found ')'"],
  ["CREATE TABLE t ()", 1, 17, "expected a column definition, found ')'"],
  ["CREATE TABLE t (a INT", 1, 22, "expected ',' or ')' after column definition, found end of input"],
  ["CREATE TABLE t (a VARCHAR(x))", 1, 27, "expected an integer parameter of VARCHAR, found 'x'"],
  ["CREATE TABLE t (a DECIMAL(10,))", 1, 30, "expected an integer parameter of DECIMAL, found ')'"],
  ["CREATE TABLE t (a ARRAY<INT)", 1, 28, "expected '>' to close ARRAY<...>, found ')'"],
  ["CREATE TABLE t (a MAP<STRING>)", 1, 29, "expected ',' between the key and value types of MAP<K, V>, found '>'"],
  ["CREATE TABLE t (a INT) WITH ('connector')", 1, 41, "expected '=' after option key 'connector', found ')'"],
  ["CREATE TABLE t (a INT) WITH ('connector' = )", 1, 44, "expected a quoted value for option 'connector', found ')'"],
  ["CREATE TABLE t (a INT) WITH ('connector' = 'kafka'", 1, 51, "expected ',' or ')' in WITH, found end of input"],
  ["CREATE TABLE t (a INT) WITH (connector = 'kafka')", 1, 30, "expected a quoted option key in WITH (like 'connector'), found 'connector'"],
  ["CREATE TABLE t (a INT) WITH ('port' = 3306)", 1, 39, "expected a quoted value for option 'port', found number 3306"],
  ["CREATE TABLE t (a INT) WITH ('a' = 'b' 'c' = 'd')", 1, 40, "expected ',' or ')' in WITH, found string 'c'"],
  ["CREATE TABLE t (a INT) WITH", 1, 28, "expected '(' after WITH, found end of input"],
  ["CREATE TABLE t (a INT, PRIMARY KEY a NOT ENFORCED)", 1, 36, "expected '(' before the list of primary key columns, found 'a'"],
  ["CREATE TABLE t (a INT, PRIMARY KEY (a) NOT)", 1, 43, "expected ENFORCED after NOT, found ')'"],
  ["CREATE TABLE t (ts TIMESTAMP(3), WATERMARK ts AS ts)", 1, 44, "expected FOR after WATERMARK (WATERMARK FOR column AS expression), found 'ts'"],
  ["CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts ts)", 1, 51, "expected AS after WATERMARK FOR ts, found 'ts'"],
  ["CREATE TABLE t (a INT METADATA FROM x)", 1, 37, "expected a quoted metadata key after METADATA FROM (like 'timestamp'), found 'x'"],
  ["CREATE TABLE select (a INT)", 1, 14, "expected a table name, found 'select'"],
  ["CREATE TABLE a.b.c.d (a INT)", 1, 19, "too many parts in a table name: at most 3 (catalog.database.object) are allowed"],
  ["CREATE TABLE IF EXISTS t (a INT)", 1, 17, "expected NOT after IF, found 'EXISTS'"],
  ["CREATE TABEL t (a INT)", 1, 8, "expected CATALOG, DATABASE, TABLE or VIEW after CREATE, found 'TABEL'"],
  ["CREATE TABLE t", 1, 15, "expected '(' and the column definitions, or AS TABLE / AS SELECT, found end of input"],
  ["CREATE TABLE t (a INT) WITH ('a' = 'b') extra", 1, 41, "unexpected 'extra' after the end of the statement; expected ';' or the end of the statement"],
  ["CREATE VIEW v SELECT 1", 1, 15, "expected AS before the query of the view, found 'SELECT'"],
  ["CREATE VIEW v AS", 1, 17, "expected a query (SELECT ...) after AS, found end of input"],
  ["CREATE CATALOG c WITH ('type' 'x')", 1, 31, "expected '=' after option key 'type', found string 'x'"],
  ["CREATE DATABASE db AS DATABASE src INCLUDING TABLE orders", 1, 52, "expected a quoted table name or pattern like 'orders' or 'web.*', found 'orders'"],
  ["DROP t", 1, 6, "expected CATALOG, DATABASE, TABLE or VIEW after DROP, found 't'"],
  ["DROP TABLE IF t", 1, 15, "expected EXISTS after IF, found 't'"],
  ["ALTER TABLE t", 1, 14, "expected ADD, DROP, RENAME, MODIFY or SET after ALTER TABLE name, found end of input"],
  ["ALTER TABLE t ADD", 1, 18, "expected a column name, found end of input"],
  ["ALTER TABLE t RENAME a b", 1, 24, "expected TO after RENAME a, found 'b'"],
  ["ALTER TABLE t FOO", 1, 15, "expected ADD, DROP, RENAME, MODIFY or SET after ALTER TABLE name, found 'FOO'"],
  ["CREATE TABLE t (a INT) ENGINE=olap PRIMARY KEY(a) DISTRIBUTED BY HASH(a) BUCKETS x", 1, 82, "expected a bucket count after BUCKETS, found 'x'", 'starrocks'],
  ["CREATE TABLE t (a INT) DISTRIBUTED BY a", 1, 39, "expected HASH(...) or RANDOM after DISTRIBUTED BY, found 'a'", 'starrocks'],
  ["CREATE TABLE t (a INT) PARTITION BY RANGE(a", 1, 44, "expected ')' to close the PARTITION BY clause, found end of input", 'starrocks'],
  ["CREATE TABLE t (a INT) PROPERTIES ('a' = \"b\" \"c\")", 1, 46, "expected ',' or ')' in PROPERTIES, found string 'c'", 'starrocks'],
  ["SELEC * FROM t", 1, 1, "unknown statement 'SELEC'; expected SELECT, INSERT, CREATE, DROP, ALTER, USE, SET, RESET, SHOW, DESCRIBE, EXPLAIN, BEGIN STATEMENT SET or EXECUTE STATEMENT SET"],
  ["INSRT INTO t SELECT 1", 1, 1, "unknown statement 'INSRT'; expected SELECT, INSERT, CREATE, DROP, ALTER, USE, SET, RESET, SHOW, DESCRIBE, EXPLAIN, BEGIN STATEMENT SET or EXECUTE STATEMENT SET"],
  ["INSERT t SELECT 1", 1, 8, "expected INTO or OVERWRITE after INSERT, found 't'"],
  ["INSERT INTO t", 1, 14, "expected a query (SELECT ... or VALUES ...) after INSERT INTO t, found end of input"],
  ["INSERT INTO t (a, b", 1, 20, "expected ')' or ',' in the list of column names, found end of input"],
  ["INSERT INTO t VALUES 1", 1, 22, "expected '(' before a VALUES row, found number 1"],
  ["BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;\nINSERT INTO b SELECT 2;", 1, 1, "missing END for BEGIN STATEMENT SET: the script ended before END"],
  ["BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;\nSELECT 2;\nEND;", 3, 1, "only INSERT statements are allowed inside a statement set, found 'SELECT'"],
  ["BEGIN STATEMENT SET INSERT INTO a SELECT 1; END;", 1, 21, "expected ';' after BEGIN STATEMENT SET, found 'INSERT'"],
  ["INSERT INTO a SELECT 1;\nEND;", 2, 1, "END without BEGIN STATEMENT SET"],
  ["EXECUTE STATEMENT SET INSERT INTO a SELECT 1; END;", 1, 23, "expected BEGIN after EXECUTE STATEMENT SET, found 'INSERT'"],
  ["BEGIN;", 1, 6, "expected STATEMENT after BEGIN (Strata supports BEGIN STATEMENT SET), found ';'"],
  ["BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1\nINSERT INTO b SELECT 2;\nEND;", 3, 1, "expected ';' after the INSERT statement in the statement set, found 'INSERT'"],
  ["SET 'a'", 1, 8, "expected '=' after SET 'a', found end of input"],
  ["SET 'a' =", 1, 10, "expected a quoted value after SET 'a' =, found end of input"],
  ["SET x 1", 1, 7, "expected '=' after SET x, found number 1", 'starrocks'],
  ["USE", 1, 4, "expected a database name after USE, found end of input"],
  ["SHOW", 1, 5, "expected what to show (TABLES, DATABASES, CATALOGS, VIEWS, FUNCTIONS, JOBS, COLUMNS FROM t, CREATE TABLE t, ...), found end of input"],
  ["SHOW CREATE t", 1, 13, "expected TABLE, VIEW or DATABASE after SHOW CREATE, found 't'"],
  ["SHOW COLUMNS t", 1, 14, "expected FROM and a table name after SHOW COLUMNS, found 't'"],
  ["SHOW TABLES LIKE x", 1, 18, "expected a quoted pattern after LIKE, found 'x'"],
  ["DESCRIBE", 1, 9, "expected a table name after DESCRIBE, found end of input"],
  ["EXPLAIN", 1, 8, "expected a query or INSERT statement to explain, found end of input"],
  ["EXPLAIN PLAN FOR", 1, 17, "expected a query or INSERT statement to explain, found end of input"],
  ["CREATE ROUTINE LOAD db.job ON t", 1, 8, "expected CATALOG, DATABASE, TABLE or VIEW after CREATE, found 'ROUTINE'", 'starrocks'],
  ["CREATE TABLE t (a INT) WITH ('k' = 'v')\nCREATE TABLE u (b INT)", 2, 1, "unexpected 'CREATE' after the end of the statement; expected ';' or the end of the statement"],
  ["/*+ OPTIONS('a'='b') */ SELECT 1", 1, 1, "expected a statement, found hint '/*+ ... */'"],
  ["SELECT a FROM t /*+ OPTIONS('a') */", 1, 32, "expected '=' after option key 'a', found ')'"],
  ["SELECT a FROM t /*+ OPTIONS('a' = 'b' */", 1, 38, "expected ',' or ')' in the OPTIONS hint, found end of input"],
  ["SELECT 1 FROM t /*+ 42 */", 1, 21, "expected a hint name such as OPTIONS, found number 42"],
  ["CREATE TABLE t (\n  a INT,\n  b VARCHAR(,\n  c INT\n)", 3, 13, "expected an integer parameter of VARCHAR, found ','"],
  ["SELECT a,\n       b\nFROM t\nWHERE a = 'x\n", 4, 11, "unterminated string literal starting here"],
  ["INSERT INTO t\nSELECT *\nFROM s\nWHERE a IN (1, 2\n;", 5, 1, "expected ')' or ',' in the IN list, found ';'"],
  ["CREATE TABLE t (a INT)\nWITH (\n  'connector' = 'kafka',\n  'topic'\n)", 5, 1, "expected '=' after option key 'topic', found ')'"],
  ["/* header\n   comment */\nSELECT 1 +\n", 3, 11, "expected an expression, found end of input"],
  ["SELECT 1;\n/* never\n closed", 2, 1, "unterminated comment starting here; expected */ to close it"],
  ["USE db;\nSET 'a' = 'b';\nCREATE TABLE t (\n  id INT,\n  PRIMARY KEY (id) NOT ENFORCED,\n) WITH ('connector' = 'print');", 6, 1, "expected a column definition after ',', found ')'"],
  ["SELECT\n  CASE\n    WHEN a > 1 THEN 1\n    ELSE 2\n  FROM t", 5, 3, "expected END to close CASE, found 'FROM'"],
  ["BEGIN STATEMENT SET;\n\nINSERT INTO a\nSELECT x\nFROM y\nWHERE;\nEND;", 6, 6, "expected an expression, found ';'"],
  ["SELECT *\nFROM TABLE(\n  TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL 10 MINUTES)\n)", 3, 46, "expected a quoted interval value like '5', found number 10"],
];

function parseError(sql: string, dialect: Dialect): unknown {
  try {
    parseStatements(sql, { dialect, file: 'bad.sql' });
  } catch (e) {
    return e;
  }
  return null;
}

describe('malformed SQL is a located SQL_SYNTAX error', () => {
  test('the table is large enough to mean something', () => {
    assert.ok(ROWS.length >= 60, `only ${ROWS.length} rows`);
    assert.ok(
      ROWS.some(([, line]) => line > 1),
      'some rows must test line numbers > 1',
    );
  });

  for (const [sql, line, column, message, dialect = 'flink'] of ROWS) {
    test(`${dialect}: ${JSON.stringify(sql).slice(0, 90)}`, () => {
      const e = parseError(sql, dialect);
      assert.ok(e instanceof StrataError, `expected a StrataError, got ${e === null ? 'no error' : String(e)}`);
      assert.equal(e.code, 'SQL_SYNTAX', e.message);
      assert.deepEqual(e.location, { file: 'bad.sql', line, column }, e.message);
      assert.ok(e.message.includes(message), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(message)}`);
      assert.ok(e.message.startsWith(`bad.sql:${line}:${column}: `), e.message);
      assert.ok(!e.message.includes('undefined'), e.message);
      assert.ok(!e.message.includes('[object'), e.message);
      assert.ok(!e.message.includes('\n'), 'a message is one line');
      assert.ok(!/\bat .+:\d+:\d+\)?$/m.test(e.message) && !/^\s+at /m.test(e.message), 'no stack frames');
      assert.equal(e.exitCode, 2);
      assert.equal(e.domain, 'user');
    });
  }
});
