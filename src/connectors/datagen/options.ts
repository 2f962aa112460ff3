import type { ConnectorSpec } from '../../core/options.js';

/** Option declarations of the `datagen` connector (Flink's DataGen connector, plus `seed`). */
export const DATAGEN_SPEC: ConnectorSpec = {
  name: 'datagen',
  doc:
    "Generates rows of random or sequential values at a fixed rate, for demos, tests and benchmarks (Flink's DataGen connector). " +
    'Every column type is supported: numbers within `min`/`max` (default: the whole range of the type), strings and bytes of `length`, ' +
    'DATE and TIME at the current local date and time, TIMESTAMP and TIMESTAMP_LTZ up to `max-past` before now. ' +
    'The source ends after `number-of-rows` rows, or when the first sequence field reaches its `end`.',
  source: { doc: 'insert-only; unbounded unless `number-of-rows` is set or a field is a sequence.' },
  options: [
    { name: 'rows-per-second', type: 'long', default: '10000', min: 1, doc: 'Rows generated per second (a rate limit, not a target under load).' },
    { name: 'number-of-rows', type: 'long', min: 0, doc: 'Total number of rows to emit. When set, the source is bounded.' },
    {
      name: 'seed',
      type: 'long',
      extension: true,
      doc: 'Seed of the random generator: the same seed, options and clock produce the same rows, also after a restore. Without it, every run differs.',
    },
    {
      name: 'changelog.update-ratio',
      type: 'double',
      default: '0',
      min: 0,
      max: 1,
      extension: true,
      doc: 'Fraction of changes that update a row emitted before (-U old, +U new: same primary key, other fields generated anew). Needs a PRIMARY KEY; makes the source a full changelog.',
    },
    {
      name: 'changelog.delete-ratio',
      type: 'double',
      default: '0',
      min: 0,
      max: 1,
      extension: true,
      doc: 'Fraction of changes that delete a row emitted before (-D). Needs a PRIMARY KEY. `number-of-rows` counts inserted rows; live rows are kept in memory and in the offsets.',
    },
    { name: 'fields.#.kind', type: 'enum', choices: ['random', 'sequence'], default: 'random', doc: 'Generator of field `#`: `random` or `sequence`.' },
    {
      name: 'fields.#.min',
      type: 'string',
      doc: 'Smallest value of a random numeric field, written as a value of the field type. Default: the smallest value of the type.',
    },
    {
      name: 'fields.#.max',
      type: 'string',
      doc: 'Largest value of a random numeric field, written as a value of the field type. Default: the largest value of the type.',
    },
    {
      name: 'fields.#.max-past',
      type: 'duration',
      default: '0',
      doc: 'For a random TIMESTAMP or TIMESTAMP_LTZ field: how far before now a value may lie.',
    },
    {
      name: 'fields.#.length',
      type: 'int',
      min: 0,
      doc: 'Length of random VARCHAR / STRING / VARBINARY / BYTES values. Default: 100, or the declared length when shorter. CHAR(n) and BINARY(n) always have length n.',
    },
    { name: 'fields.#.var-len', type: 'boolean', default: 'false', doc: 'For a random variable-length field: a random length between 1 and `length`.' },
    { name: 'fields.#.start', type: 'string', doc: 'First value of a sequence field (required for `sequence`). Sequences are supported for numeric and character fields.' },
    { name: 'fields.#.end', type: 'string', doc: 'Last value of a sequence field (required for `sequence`); the source ends after it.' },
    { name: 'fields.#.null-rate', type: 'double', default: '0', min: 0, max: 1, doc: 'For a random nullable field: the fraction of values that are NULL.' },
    { name: 'scan.parallelism', type: 'int', min: 1, doc: 'Accepted for compatibility with Flink; Strata runs one reader.' },
  ],
};
