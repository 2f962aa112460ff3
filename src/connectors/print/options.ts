import type { ConnectorSpec } from '../../core/options.js';

/** Option declarations of the `print` connector (Flink's Print connector). */
export const PRINT_SPEC: ConnectorSpec = {
  name: 'print',
  doc:
    "Writes every change to standard output (or standard error), one line per change, as Flink's Print connector does: " +
    '`+I[1, beijing, 10.0]`, `-U[...]`, `+U[...]`, `-D[...]`, with NULL written as `null`. For watching a pipeline, not for production.',
  sink: { doc: 'accepts all changes (insert, update before/after, delete).' },
  options: [
    { name: 'print-identifier', type: 'string', doc: 'A prefix for every line: `identifier> +I[...]`.' },
    { name: 'standard-error', type: 'boolean', default: 'false', doc: 'Print to standard error instead of standard output.' },
    { name: 'sink.parallelism', type: 'int', min: 1, doc: 'Accepted for compatibility with Flink; Strata runs one writer.' },
  ],
};
