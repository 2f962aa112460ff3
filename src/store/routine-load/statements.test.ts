import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../core/decimal.js';
import { T } from '../../core/types.js';
import { StrataError } from '../../core/errors.js';
import { SEED_STEP3_ROUTINE_LOADS } from '../starrocks/test-support.js';
import { ConversionFailure, convertJson } from './convert.js';
import { evalJsonPath, JsonNumber, JsonSyntaxError, parseJson, parseJsonPath, type JsonPath } from './json-text.js';
import { parseRoutineLoadStatement } from './statements.js';

describe('parseRoutineLoadStatement', () => {
  test("parses the seed's CREATE ROUTINE LOAD verbatim", () => {
    const st = parseRoutineLoadStatement(SEED_STEP3_ROUTINE_LOADS[3]!);
    assert.ok(st !== null && st.kind === 'create');
    assert.equal(st.database, 'flink_cdc');
    assert.equal(st.name, 'routine_load_dws_agg_by_region');
    assert.equal(st.table, 'dws_agg_by_region');
    assert.deepEqual(st.columns, ['order_region', 'order_cnt', 'order_total_revenue']);
    assert.equal(st.properties.get('jsonpaths'), '["$.order_region","$.order_cnt","$.order_total_revenue"]');
    assert.equal(st.sourceType, 'KAFKA');
    assert.equal(st.sourceProperties.get('kafka_topic'), 'dws_agg_by_region');
  });

  test('SHOW / PAUSE / RESUME / STOP forms; other statements are not ours', () => {
    assert.deepEqual(parseRoutineLoadStatement('SHOW ALL ROUTINE LOAD'), { kind: 'show', all: true, database: null, name: null });
    assert.deepEqual(parseRoutineLoadStatement('show routine load for db.j;'), { kind: 'show', all: false, database: 'db', name: 'j' });
    assert.deepEqual(parseRoutineLoadStatement('SHOW ROUTINE LOAD FROM `db`'), { kind: 'show', all: false, database: 'db', name: null });
    assert.deepEqual(parseRoutineLoadStatement('/* c */ PAUSE ROUTINE LOAD FOR j'), { kind: 'pause', database: null, name: 'j' });
    assert.deepEqual(parseRoutineLoadStatement('STOP ROUTINE LOAD FOR d.j'), { kind: 'stop', database: 'd', name: 'j' });
    assert.equal(parseRoutineLoadStatement('SELECT 1'), null);
    assert.equal(parseRoutineLoadStatement('SHOW TABLES'), null);
  });

  test('COLUMNS TERMINATED BY and a separating comma parse; derived columns, WHERE-less errors are located', () => {
    const st = parseRoutineLoadStatement("CREATE ROUTINE LOAD j ON t COLUMNS TERMINATED BY ',', COLUMNS (a, b) FROM KAFKA ('kafka_topic' = 'x')");
    assert.ok(st !== null && st.kind === 'create');
    assert.equal(st.columnSeparator, ',');
    assert.deepEqual(st.columns, ['a', 'b']);
    assert.throws(() => parseRoutineLoadStatement('CREATE ROUTINE LOAD j ON t COLUMNS (a, b = a + 1) FROM KAFKA ()'), (e: unknown) => e instanceof StrataError && e.code === 'SQL_UNSUPPORTED' && /derived column 'b = a \+ 1'/.test(e.message));
    assert.throws(() => parseRoutineLoadStatement('CREATE ROUTINE LOAD j ON t PROPERTIES ("a" = ) FROM KAFKA ()'), (e: unknown) => e instanceof StrataError && e.code === 'SQL_SYNTAX' && e.location?.column === 46 && /value of property 'a'/.test(e.message));
  });
});

describe('JSON and JSONPath', () => {
  const path = (s: string): JsonPath => {
    const p = parseJsonPath(s);
    if (typeof p === 'string') assert.fail(p);
    return p;
  };
  test('numbers keep their text; paths $.a.b, $.a[0], $[\'a\']', () => {
    const doc = parseJson('{"a": {"b": 12345678901234567890.125}, "arr": [true, "x"], "we ird": null}');
    assert.ok(!(doc instanceof JsonSyntaxError));
    assert.deepEqual(evalJsonPath(doc, path('$.a.b')), new JsonNumber('12345678901234567890.125'));
    assert.equal(evalJsonPath(doc, path('$.arr[1]')), 'x');
    assert.equal(evalJsonPath(doc, path("$['we ird']")), null);
    assert.equal(evalJsonPath(doc, path('$.missing')), undefined);
    assert.ok(parseJson('{"a": 1,}') instanceof JsonSyntaxError);
    assert.equal(typeof parseJsonPath('a.b'), 'string');
  });

  test('conversion to column types is exact', () => {
    assert.equal(convertJson(new JsonNumber('20.0'), T.int()), 20);
    assert.ok(convertJson(new JsonNumber('20.5'), T.int()) instanceof ConversionFailure);
    assert.ok(convertJson(new JsonNumber('3000000000'), T.int()) instanceof ConversionFailure);
    assert.equal(convertJson(new JsonNumber('9223372036854775807'), T.bigint()), 9223372036854775807n);
    assert.deepEqual(convertJson(new JsonNumber('12345678.255'), T.decimal(12, 3)), new Decimal(12345678255n, 3));
    assert.ok(convertJson(new JsonNumber('123456789012'), T.decimal(10, 2)) instanceof ConversionFailure);
    assert.equal(convertJson('2024-02-29', T.date()), 19782);
    assert.equal(convertJson('2024-03-01 00:00:01', T.timestamp()), 1709251201000000n);
    assert.ok(convertJson('2023-02-29', T.date()) instanceof ConversionFailure);
    assert.equal(convertJson(new JsonNumber('1.5'), T.string()), '1.5');
    assert.equal(convertJson('7', T.int()), 7);
  });
});
