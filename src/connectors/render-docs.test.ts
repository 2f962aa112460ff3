import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectorsDocPath, readConnectorsDoc, renderConnectorsDoc } from './render-docs.js';

test('docs/connectors.md is up to date with the option declarations', () => {
  const expected = renderConnectorsDoc();
  const actual = readConnectorsDoc();
  assert.ok(actual !== null, `${connectorsDocPath()} is missing: run \`node dist/src/connectors/render-docs.js\``);
  assert.ok(
    actual === expected,
    `${connectorsDocPath()} is out of date with the connector option declarations: run \`node dist/src/connectors/render-docs.js\` after \`npx tsc -p .\``,
  );
});

test('the rendered docs cover every connector and option of the default registry', () => {
  const md = renderConnectorsDoc();
  for (const name of ['blackhole', 'datagen', 'kafka', 'mysql-cdc', 'print', 'starrocks', 'upsert-kafka', 'values']) {
    assert.ok(md.includes(`## \`${name}\``), name);
  }
  for (const option of ['rows-per-second', 'fields.#.kind', 'print-identifier', 'data-id', 'sink-changelog-mode', 'scan.startup.mode', 'properties.*', 'sink.properties.*']) {
    assert.ok(md.includes(`| \`${option}\` |`), option);
  }
});
