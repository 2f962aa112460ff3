import type { ConnectorSpec, ValidatedOptions } from '../../core/options.js';
import type { ChangelogMode } from '../../core/row-kind.js';

/**
 * Option declarations of the `values` connector: Strata's in-process test source and sink
 * (after Flink's test-only `values` connector). Data comes from, and goes to, module-level
 * registries that tests fill and read (see store.ts).
 */
export const VALUES_SPEC: ConnectorSpec = {
  name: 'values',
  doc:
    "Strata's test connector (after Flink's test `values` connector). As a source it returns the change batches a test " +
    'registered under `data-id` (`registerValuesData`, `appendValuesData`), one batch per poll; as a sink it collects every ' +
    'committed change in order under `sink-id` (`getValuesSinkChanges`, `getValuesSinkRows`). Not for production.',
  source: { doc: "the kinds declared by `changelog-mode` (default insert-only; upsert modes need a PRIMARY KEY)." },
  sink: { doc: 'accepts what `sink-changelog-mode` says (default all changes).' },
  options: [
    { name: 'data-id', type: 'string', doc: 'Source: the id the test data was registered under (required for a source).' },
    {
      name: 'changelog-mode',
      type: 'string',
      default: 'I',
      doc: "Source: the kinds the data may contain, comma-separated from `I`, `UB`, `UA`, `D`: e.g. `I`, `I,UA,D` (upsert), `I,UB,UA,D`.",
    },
    {
      name: 'bounded',
      type: 'boolean',
      default: 'true',
      doc: 'Source: `true` finishes after the registered batches; `false` keeps waiting for `appendValuesData` (until `endValuesData`).',
    },
    { name: 'sink-id', type: 'string', doc: 'Sink: the id the collected changes are kept under. Default: the table path `catalog.database.table`.' },
    {
      name: 'sink-changelog-mode',
      type: 'string',
      default: 'all',
      doc: 'Sink: what it accepts: `all` (or `I,UB,UA,D`), `upsert` (or `I,UA,D`; needs a PRIMARY KEY), `insert-only` (or `I`).',
    },
  ],
};

/** Parses `I,UB,UA,D`-style text; null when a token is unknown or the list is empty. */
export function parseChangelogModeText(text: string): ChangelogMode | null {
  const m = { insert: false, updateBefore: false, updateAfter: false, delete: false };
  let any = false;
  for (const raw of text.split(',')) {
    const t = raw.trim().toUpperCase();
    if (t === '') continue;
    any = true;
    if (t === 'I') m.insert = true;
    else if (t === 'UB') m.updateBefore = true;
    else if (t === 'UA') m.updateAfter = true;
    else if (t === 'D') m.delete = true;
    else return null;
  }
  return any ? m : null;
}

/** The source's changelog mode, from `changelog-mode`; CONNECTOR_OPTION when malformed. */
export function valuesSourceMode(opts: ValidatedOptions): ChangelogMode {
  const text = opts.string('changelog-mode')!;
  const mode = parseChangelogModeText(text);
  if (mode === null) {
    throw opts.invalid('changelog-mode', `'${text}' is not a changelog mode`, "Write kinds from I, UB, UA, D separated by commas, e.g. 'I,UB,UA,D'.");
  }
  return mode;
}

export type SinkAccepts = 'insert-only' | 'upsert' | 'all';

/** What the sink accepts, from `sink-changelog-mode`; CONNECTOR_OPTION when malformed. */
export function valuesSinkAccepts(opts: ValidatedOptions): SinkAccepts {
  const text = opts.string('sink-changelog-mode')!;
  const t = text.trim().toLowerCase();
  if (t === 'all' || t === 'upsert' || t === 'insert-only') return t;
  const m = parseChangelogModeText(text);
  if (m !== null && m.insert) {
    if (!m.updateBefore && !m.updateAfter && !m.delete) return 'insert-only';
    if (!m.updateBefore && m.updateAfter && m.delete) return 'upsert';
    if (m.updateBefore && m.updateAfter && m.delete) return 'all';
  }
  throw opts.invalid(
    'sink-changelog-mode',
    `'${text}' is not a sink changelog mode`,
    "Use 'all' (I,UB,UA,D), 'upsert' (I,UA,D) or 'insert-only' (I).",
  );
}
