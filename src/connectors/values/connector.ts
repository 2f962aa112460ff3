import type { ConnectorDefinition } from '../registry.js';
import { VALUES_SPEC, valuesSinkAccepts, valuesSourceMode } from './options.js';
import { ValuesSink } from './sink.js';
import { ValuesSource } from './source.js';

/** The `values` connector for the registry. */
export const VALUES_CONNECTOR: ConnectorDefinition = {
  spec: VALUES_SPEC,
  runtime: {
    createSource: (table, ctx) => new ValuesSource(table, ctx),
    createSink: (table, ctx) => new ValuesSink(table, ctx),
  },
  sourceMode: (_table, opts) => valuesSourceMode(opts),
  sinkAccepts: (_table, opts) => valuesSinkAccepts(opts),
  validate: (_table, role, opts) => {
    if (role === 'source') {
      opts.requireString('data-id', 'the table is read as a source');
      valuesSourceMode(opts);
    } else {
      valuesSinkAccepts(opts);
    }
  },
};
