import type { ConnectorSpec } from '../../core/options.js';

/** Option declarations of the `blackhole` connector (Flink's BlackHole connector): it has none of its own. */
export const BLACKHOLE_SPEC: ConnectorSpec = {
  name: 'blackhole',
  doc:
    "Discards every change (Flink's BlackHole connector), counting rows for metrics. For benchmarks and for running a query only for its side effects.",
  sink: { doc: 'accepts all changes.' },
  options: [],
};
