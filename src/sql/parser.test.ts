import { test, describe } from 'node:test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import type { CreateTable, Expr, Insert, Select } from './ast.js';
import { StrataError } from '../core/errors.js';
import { tokenize } from './lexer.js';
import { parseExpression, parseQuery, parseStatement, parseStatements, type Dialect } from './parser.js';
import { catchError, show, showFrom } from './parser/test-support.js';

/**
 * demo.sql of step 4 of the EMR walkthrough (seeds/000). The seed page lost its line
 * breaks when it was scraped, so there the whole file is one line — and a `--` comment
 * runs to the end of its line, so that one line is one statement followed by a comment.
 * DEMO_SQL is the file with its line breaks restored; the test below checks that it is,
 * token for token and comment for comment, the text of the seed (SEED_LINE).
 */
const SEED_LINE = `CREATE DATABASE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`; -- Source tables: the mysql-cdc connector reads MySQL binlog events and -- exposes them as a streaming table. Flink captures every INSERT, UPDATE, -- and DELETE without polling. CREATE TABLE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`.\`orders_src\`( \`order_id\` INT NOT NULL, \`order_revenue\` FLOAT NOT NULL, \`order_region\` STRING NOT NULL, \`customer_id\` INT NOT NULL, PRIMARY KEY(\`order_id\`) NOT ENFORCED ) with ( 'connector' = 'mysql-cdc', 'hostname' = 'rm-2ze5h9qnki343****.mysql.rds.aliyuncs.com', 'port' = '3306', 'username' = 'emr_test', 'password' = 'Yz12****', 'database-name' = 'flink_cdc', 'table-name' = 'orders' ); CREATE TABLE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`.\`customers_src\` ( \`customer_id\` INT NOT NULL, \`customer_age\` FLOAT NOT NULL, \`customer_name\` STRING NOT NULL, PRIMARY KEY(\`customer_id\`) NOT ENFORCED ) with ( 'connector' = 'mysql-cdc', 'hostname' = 'rm-2ze5h9qnki343****.mysql.rds.aliyuncs.com', 'port' = '3306', 'username' = 'emr_test', 'password' = 'Yz12****', 'database-name' = 'flink_cdc', 'table-name' = 'customers' ); -- Kafka sink tables: the upsert-kafka connector writes each row as a keyed -- upsert message (key = primary key, value = full row). StarRocks Routine Load -- consumes these messages and merges them into the target table. CREATE TABLE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`.\`ods_order_table\` ( \`order_id\` INT, \`order_revenue\` FLOAT, \`order_region\` VARCHAR(40), \`customer_id\` INT, PRIMARY KEY (order_id) NOT ENFORCED ) WITH ( 'connector' = 'upsert-kafka', 'topic' = 'ods_order', 'properties.bootstrap.servers' = '192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092', 'key.format' = 'json', 'value.format' = 'json' ); CREATE TABLE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`.\`ods_customers_table\` ( \`customer_id\` INT, \`customer_age\` FLOAT, \`customer_name\` STRING, PRIMARY KEY (customer_id) NOT ENFORCED ) WITH ( 'connector' = 'upsert-kafka', 'topic' = 'ods_customers', 'properties.bootstrap.servers' = '192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092', 'key.format' = 'json', 'value.format' = 'json' ); CREATE TABLE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`.\`dwd_order_customer_valid\` ( \`order_id\` INT, \`order_revenue\` FLOAT, \`order_region\` STRING, \`customer_id\` INT, \`customer_age\` FLOAT, \`customer_name\` STRING, PRIMARY KEY (order_id) NOT ENFORCED ) WITH ( 'connector' = 'upsert-kafka', 'topic' = 'dwd_order_customer_valid', 'properties.bootstrap.servers' = '192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092', 'key.format' = 'json', 'value.format' = 'json' ); CREATE TABLE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`.\`dws_agg_by_region\` ( \`order_region\` VARCHAR(40), \`order_cnt\` BIGINT, \`order_total_revenue\` FLOAT, PRIMARY KEY (order_region) NOT ENFORCED ) WITH ( 'connector' = 'upsert-kafka', 'topic' = 'dws_agg_by_region', 'properties.bootstrap.servers' = '192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092', 'key.format' = 'json', 'value.format' = 'json' ); USE flink_cdc; BEGIN STATEMENT SET; -- ODS layer: forward raw MySQL change events to Kafka topics INSERT INTO ods_order_table SELECT * FROM orders_src; INSERT INTO ods_customers_table SELECT * FROM customers_src; -- DWD layer: join orders and customers, filter out invalid records INSERT INTO dwd_order_customer_valid SELECT o.order_id, o.order_revenue, o.order_region, c.customer_id, c.customer_age, c.customer_name FROM customers_src c JOIN orders_src o ON c.customer_id=o.customer_id WHERE c.customer_id <> -1; -- DWS layer: aggregate revenue and order count by region INSERT INTO dws_agg_by_region SELECT order_region, count(*) as order_cnt, sum(order_revenue) as order_total_revenue FROM dwd_order_customer_valid GROUP BY order_region; END;`;

// The one copy of the restored file, shared with the planner's golden EXPLAIN test.
const DEMO_SQL = readFileSync(fileURLToPath(new URL('../../../tests/planner/seed-demo.sql', import.meta.url)), 'utf8');

describe('parser: the demo script', () => {
  test('DEMO_SQL is the seed text with its line breaks restored', () => {
    const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();
    assert.equal(collapse(DEMO_SQL), collapse(SEED_LINE));
  });

  test('demo.sql parses into 9 statements: a database, 6 tables, USE, a statement set of 4 INSERTs', () => {
    const all = parseStatements(DEMO_SQL, { dialect: 'flink', file: 'demo.sql' });
    assert.deepEqual(
      all.map((s) => s.statement.kind),
      ['create-database', 'create-table', 'create-table', 'create-table', 'create-table', 'create-table', 'create-table', 'use', 'statement-set'],
    );
    const tables = all.filter((s) => s.statement.kind === 'create-table').map((s) => s.statement as CreateTable);
    assert.deepEqual(
      tables.map((t) => t.name.parts.join('.')),
      [
        'default_catalog.flink_cdc.orders_src',
        'default_catalog.flink_cdc.customers_src',
        'default_catalog.flink_cdc.ods_order_table',
        'default_catalog.flink_cdc.ods_customers_table',
        'default_catalog.flink_cdc.dwd_order_customer_valid',
        'default_catalog.flink_cdc.dws_agg_by_region',
      ],
    );
    assert.deepEqual(
      tables.map((t) => t.options.find((o) => o.key === 'connector')?.value),
      ['mysql-cdc', 'mysql-cdc', 'upsert-kafka', 'upsert-kafka', 'upsert-kafka', 'upsert-kafka'],
    );
    assert.ok(tables.every((t) => t.primaryKey !== null && !t.primaryKey.enforced));
    assert.deepEqual(tables[0]?.columns.map((c) => [c.name, c.type.name, c.nullable]), [
      ['order_id', 'INT', false],
      ['order_revenue', 'FLOAT', false],
      ['order_region', 'STRING', false],
      ['customer_id', 'INT', false],
    ]);
    assert.deepEqual(tables[2]?.columns[2]?.type.params, [40]);

    const set = all[8]?.statement;
    assert.ok(set !== undefined && set.kind === 'statement-set');
    assert.deepEqual(
      set.inserts.map((i) => i.table.parts.join('.')),
      ['ods_order_table', 'ods_customers_table', 'dwd_order_customer_valid', 'dws_agg_by_region'],
    );
    const dws = set.inserts[3] as Insert;
    const q = dws.query as Select;
    assert.deepEqual(
      q.items.map((i) => [show(i.expr), i.alias]),
      [
        ['order_region', null],
        ['count(*)', 'order_cnt'],
        ['sum(order_revenue)', 'order_total_revenue'],
      ],
    );
    assert.deepEqual(q.groupBy.map(show), ['order_region']);
    const dwd = (set.inserts[2] as Insert).query as Select;
    assert.equal(showFrom(dwd.from as never), '{customers_src c INNER orders_src o ON (c.customer_id = o.customer_id)}');
  });

  test('statement texts are exact source slices without the ;, and positions are the file\'s', () => {
    const all = parseStatements(DEMO_SQL, { dialect: 'flink' });
    for (const s of all) {
      assert.equal(DEMO_SQL.slice(s.pos.offset, s.pos.offset + s.text.length), s.text);
      assert.ok(!s.text.endsWith(';'));
    }
    assert.equal(all[0]?.text, 'CREATE DATABASE IF NOT EXISTS `default_catalog`.`flink_cdc`');
    assert.deepEqual(all[1]?.pos, { line: 6, column: 1, offset: DEMO_SQL.indexOf('CREATE TABLE') });
    assert.equal(all[7]?.text, 'USE flink_cdc');
    assert.ok(all[8]?.text.startsWith('BEGIN STATEMENT SET;'));
    assert.ok(all[8]?.text.endsWith('GROUP BY order_region;\n\nEND'));
  });
});

describe('parser: positions', () => {
  test('node lines and columns are the script\'s; offsets are relative to the statement text', () => {
    const script = 'SELECT 1;\n\n-- c\nSELECT a,\n       b + 1 AS c\nFROM t\nWHERE x = 1;';
    const all = parseStatements(script, { dialect: 'flink' });
    const second = all[1];
    assert.ok(second !== undefined && second.statement.kind === 'query');
    assert.deepEqual(second.pos, { line: 4, column: 1, offset: script.indexOf('SELECT a') });
    assert.deepEqual(second.statement.pos, { line: 4, column: 1, offset: 0 });
    const sel = second.statement.query as Select;
    const b = sel.items[1];
    assert.deepEqual(b?.pos, { line: 5, column: 8, offset: second.text.indexOf('b + 1') });
    assert.equal(second.text.slice(b?.pos.offset ?? -1, (b?.pos.offset ?? 0) + 5), 'b + 1');
    assert.deepEqual(sel.from?.pos, { line: 6, column: 6, offset: second.text.indexOf('t\nWHERE') });
    const where = sel.where as Expr;
    assert.equal(where.kind, 'binary');
    assert.deepEqual(where.pos, { line: 7, column: 7, offset: second.text.indexOf('x = 1') });
  });

  test('parseStatement offsets are into the given text', () => {
    const s = parseStatement('  INSERT INTO t SELECT a FROM s', { dialect: 'flink' });
    assert.equal(s.kind, 'insert');
    assert.deepEqual(s.pos, { line: 1, column: 3, offset: 2 });
    if (s.kind === 'insert') assert.deepEqual(s.table.pos, { line: 1, column: 15, offset: 14 });
  });

  test('DDL nodes carry positions', () => {
    const s = parseStatement("CREATE TABLE t (\n  a INT,\n  b STRING COMMENT 'x'\n) WITH ('k' = 'v')", { dialect: 'flink' }) as CreateTable;
    assert.deepEqual(s.columns.map((c) => [c.pos.line, c.pos.column]), [
      [2, 3],
      [3, 3],
    ]);
    assert.deepEqual([s.columns[1]?.type.pos.line, s.columns[1]?.type.pos.column], [3, 5]);
    assert.deepEqual([s.options[0]?.pos.line, s.options[0]?.pos.column], [4, 9]);
  });
});

describe('parser: entry points', () => {
  test('parseStatements skips empty statements and comments', () => {
    const all = parseStatements(';; -- nothing\n /* here */ ;SELECT 1;;', { dialect: 'flink' });
    assert.equal(all.length, 1);
    assert.equal(all[0]?.text, 'SELECT 1');
    assert.deepEqual(parseStatements('  -- only a comment\n', { dialect: 'flink' }), []);
  });

  test('the last statement needs no semicolon', () => {
    const all = parseStatements('USE a; USE b', { dialect: 'flink' });
    assert.deepEqual(all.map((s) => s.text), ['USE a', 'USE b']);
  });

  test('parseStatement takes exactly one statement; a trailing ; is fine', () => {
    assert.equal(parseStatement('SELECT 1;', { dialect: 'flink' }).kind, 'query');
    const e = catchError(() => parseStatement('SELECT 1; SELECT 2', { dialect: 'flink' }));
    assert.match(e.message, /only one statement is allowed here/);
    assert.equal(e.location?.column, 11);
    const empty = catchError(() => parseStatement('  ', { dialect: 'flink' }));
    assert.match(empty.message, /expected a statement, found end of input/);
  });

  test('parseExpression parses the whole text', () => {
    assert.equal(show(parseExpression('a + 1', { dialect: 'flink' })), '(a + 1)');
    const e = catchError(() => parseExpression('a + 1 b', { dialect: 'flink' }));
    assert.match(e.message, /unexpected 'b' after the end of the expression/);
  });

  test('parseQuery parses one query and allows a trailing ;', () => {
    assert.equal(parseQuery('SELECT 1 UNION SELECT 2;', { dialect: 'flink' }).kind, 'set-operation');
    const e = catchError(() => parseQuery('SELECT 1; SELECT 2', { dialect: 'flink' }));
    assert.match(e.message, /unexpected 'SELECT' after the end of the query/);
  });

  test('errors carry the file name', () => {
    const e = catchError(() => parseStatements('SELECT 1;\nSELECT FROM t;', { dialect: 'flink', file: 'jobs/a.sql' }));
    assert.equal(e.code, 'SQL_SYNTAX');
    assert.deepEqual(e.location, { file: 'jobs/a.sql', line: 2, column: 8 });
    assert.match(e.message, /^jobs\/a\.sql:2:8: expected an expression, found 'FROM'/);
    assert.equal(e.exitCode, 2);
  });

  test('an error in a later statement is found only after the earlier ones parse', () => {
    const e = catchError(() => parseStatements("SELECT 1 +;\nSELECT 'unterminated", { dialect: 'flink' }));
    assert.match(e.message, /expected an expression, found ';'/);
  });

  test('a big script parses', () => {
    const script = 'INSERT INTO t SELECT a, b + 1, \'x\' FROM s WHERE c <> -1;\n'.repeat(2000);
    const all = parseStatements(script, { dialect: 'flink' });
    assert.equal(all.length, 2000);
    assert.equal(all[1999]?.pos.line, 2000);
  });
});

describe('parser: robustness', () => {
  /** Parses `text`; a failure must be a located SQL_SYNTAX / SQL_UNSUPPORTED StrataError inside the text. */
  function parsesOrFailsCleanly(text: string, dialect: Dialect): void {
    try {
      parseStatements(text, { dialect });
    } catch (e) {
      assert.ok(e instanceof StrataError, `not a StrataError for ${JSON.stringify(text.slice(-60))}: ${String(e)}`);
      assert.ok(e.code === 'SQL_SYNTAX' || e.code === 'SQL_UNSUPPORTED', e.message);
      const loc = e.location;
      assert.ok(loc !== undefined, e.message);
      const lines = text.split('\n');
      assert.ok(loc.line >= 1 && loc.line <= lines.length, `line ${loc.line} outside the text: ${e.message}`);
      assert.ok(loc.column >= 1 && loc.column <= (lines[loc.line - 1]?.length ?? 0) + 1, `column ${loc.column} outside line ${loc.line}: ${e.message}`);
      assert.ok(!e.message.includes('undefined'), e.message);
    }
  }

  test('every prefix of demo.sql parses or fails cleanly, in both dialects', () => {
    for (let i = 0; i <= DEMO_SQL.length; i += 3) {
      parsesOrFailsCleanly(DEMO_SQL.slice(0, i), 'flink');
      parsesOrFailsCleanly(DEMO_SQL.slice(0, i), 'starrocks');
    }
  });

  test('random token deletions, duplications and swaps fail cleanly (seeded)', () => {
    const seed = 20240601;
    let state = seed;
    const rnd = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
      return state / 0x7fffffff;
    };
    const toks = tokenize(DEMO_SQL, 'flink').filter((t) => t.kind !== 'eof');
    for (let r = 0; r < 1500; r++) {
      const t = toks[Math.floor(rnd() * toks.length)];
      const o = toks[Math.floor(rnd() * toks.length)];
      if (t === undefined || o === undefined) continue;
      const mode = rnd();
      const text =
        mode < 0.4
          ? DEMO_SQL.slice(0, t.start) + DEMO_SQL.slice(t.end)
          : mode < 0.7
            ? DEMO_SQL.slice(0, t.end) + ' ' + DEMO_SQL.slice(t.start)
            : DEMO_SQL.slice(0, t.start) + DEMO_SQL.slice(o.start, o.end) + DEMO_SQL.slice(t.end);
      try {
        parsesOrFailsCleanly(text, 'flink');
      } catch (e) {
        assert.fail(`seed ${seed}, round ${r}: ${String(e)}`);
      }
    }
  });
});
