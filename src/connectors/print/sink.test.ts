import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { Decimal } from '../../core/decimal.js';
import type { TableDescriptor } from '../../core/plan.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../../core/row-kind.js';
import { schemaOf } from '../../core/schema.js';
import { T } from '../../core/types.js';
import { parseDate, parseTimestamp } from '../../core/values.js';
import type { ConnectorContext } from '../../engine/connector.js';
import { PrintSink } from './sink.js';

const ctx: ConnectorContext = { jobName: 'test', signal: new AbortController().signal, log: () => {} };

function table(options: Record<string, string>): TableDescriptor {
  return {
    path: ['cat', 'db', 'out'],
    schema: schemaOf([
      { name: 'id', type: T.int() },
      { name: 'city', type: T.string() },
      { name: 'amount', type: T.double() },
    ]),
    primaryKey: null,
    options: { connector: 'print', ...options },
  };
}

function capture(): { out: { write(s: string): boolean }; text: () => string } {
  const chunks: string[] = [];
  return { out: { write: (s: string) => chunks.push(s) > 0 }, text: () => chunks.join('') };
}

test('prints every kind as Flink does, NULL as null', async () => {
  const c = capture();
  const sink = new PrintSink(table({}), ctx, { out: c.out });
  await sink.open();
  sink.write(
    ChangeBatch.of(
      [INSERT, [1, 'beijing', 10]],
      [UPDATE_BEFORE, [1, 'beijing', 10]],
      [UPDATE_AFTER, [1, 'beijing', 20.5]],
      [DELETE, [2, null, null]],
    ),
  );
  await sink.commit();
  await sink.close();
  assert.equal(c.text(), '+I[1, beijing, 10.0]\n-U[1, beijing, 10.0]\n+U[1, beijing, 20.5]\n-D[2, null, null]\n');
});

test("'print-identifier' prefixes each line", () => {
  const c = capture();
  const sink = new PrintSink(table({ 'print-identifier': 'dws' }), ctx, { out: c.out });
  sink.write(ChangeBatch.of([INSERT, [1, 'a', 1.5]], [INSERT, [2, 'b', null]]));
  sink.write(new ChangeBatch());
  assert.equal(c.text(), 'dws> +I[1, a, 1.5]\ndws> +I[2, b, null]\n');
});

test('values are formatted by type', () => {
  const c = capture();
  const t: TableDescriptor = {
    path: ['cat', 'db', 'out'],
    schema: schemaOf([
      { name: 'dec', type: T.decimal(10, 2) },
      { name: 'b', type: T.boolean() },
      { name: 'd', type: T.date() },
      { name: 'ts', type: T.timestamp(3) },
      { name: 'big', type: T.bigint() },
      { name: 'bin', type: T.bytes() },
    ]),
    primaryKey: null,
    options: { connector: 'print' },
  };
  const sink = new PrintSink(t, ctx, { out: c.out });
  sink.write(ChangeBatch.of([INSERT, [new Decimal(1050n, 2), true, parseDate('2024-02-29'), parseTimestamp('2024-02-29 10:00:01.5'), 9007199254740993n, new Uint8Array([1, 255])]]));
  assert.equal(c.text(), "+I[10.50, TRUE, 2024-02-29, 2024-02-29 10:00:01.500, 9007199254740993, x'01ff']\n");
});

test("'standard-error' is a boolean option", () => {
  assert.throws(() => new PrintSink(table({ 'standard-error': 'maybe' }), ctx), /expected 'true' or 'false'/);
  assert.throws(() => new PrintSink(table({ 'print-identifer': 'x' }), ctx), /did you mean 'print-identifier'\?/);
});
