import type { Expr } from '../core/expr.js';
import type { StreamNode, StreamPlan } from '../core/plan.js';
import { formatChangelogMode } from '../core/row-kind.js';
import type { Field } from '../core/schema.js';
import { formatType } from '../core/types.js';
import { formatValue } from '../core/values.js';

/**
 * EXPLAIN: the stream plan as a tree per sink, in Flink's style. Each line is one node
 * with its parameters and `changelogMode=[...]`, the changes that node emits. A node
 * shared by several sinks is printed in full once and then as `Reused(id=[n])`.
 *
 * Options of tables are never printed (they may hold secrets); tables are named by path.
 */
export function explainPlan(plan: StreamPlan): string {
  const byId = new Map<number, StreamNode>(plan.nodes.map((n) => [n.id, n]));
  const consumers = new Map<number, number>();
  for (const n of plan.nodes) for (const i of inputsOf(n)) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const printed = new Set<number>();
  const lines: string[] = ['== Stream Plan =='];
  const walk = (id: number, prefix: string, childPrefix: string): void => {
    const n = byId.get(id)!;
    const shared = (consumers.get(id) ?? 0) > 1;
    if (printed.has(id)) {
      lines.push(`${prefix}Reused(id=[${id}])`);
      return;
    }
    printed.add(id);
    lines.push(`${prefix}${describeNode(n, (i) => byId.get(i))}${shared ? `, id=[${id}]` : ''}`);
    const ins = inputsOf(n);
    ins.forEach((c, i) => {
      const last = i === ins.length - 1;
      walk(c, childPrefix + (last ? '+- ' : ':- '), childPrefix + (last ? '   ' : ':  '));
    });
  };
  const sinks = plan.nodes.filter((n) => n.kind === 'sink');
  sinks.forEach((s, i) => {
    if (i > 0) lines.push('');
    walk(s.id, '', '');
  });
  if (sinks.length === 0) {
    const roots = plan.nodes.filter((n) => !consumers.has(n.id));
    for (const r of roots) walk(r.id, '', '');
  }
  return lines.join('\n') + '\n';
}

function inputsOf(n: StreamNode): readonly number[] {
  switch (n.kind) {
    case 'source':
      return [];
    case 'join':
      return [n.left, n.right];
    case 'union':
      return n.inputs;
    default:
      return [n.input];
  }
}

const names = (fields: readonly Field[], idx: readonly number[]): string => idx.map((i) => fields[i]?.name ?? `$${i}`).join(', ');

/** One node as `Kind(param=[...], ..., changelogMode=[I,UB,UA,D])`. */
export function describeNode(n: StreamNode, lookup?: (id: number) => StreamNode | undefined): string {
  const f = n.schema.fields;
  const inputFields = (id: number): readonly Field[] | null => lookup?.(id)?.schema.fields ?? null;
  const mode = `changelogMode=[${formatChangelogMode(n.mode)}]`;
  switch (n.kind) {
    case 'source':
      return `TableSourceScan(table=[[${n.table.path.join(', ')}]], fields=[${f.map((x) => x.name).join(', ')}], ${mode})`;
    case 'calc': {
      const parts: string[] = [];
      const inf = inputFields(n.input);
      parts.push(`select=[${n.projections.map((e, i) => withAlias(formatExpr(e, inf), f[i]?.name)).join(', ')}]`);
      if (n.condition !== null) parts.push(`where=[${formatExpr(n.condition, inf)}]`);
      return `Calc(${parts.join(', ')}, ${mode})`;
    }
    case 'changelog-normalize':
      return `ChangelogNormalize(key=[${names(f, n.key)}], ${mode})`;
    case 'drop-update-before':
      return `DropUpdateBefore(${mode})`;
    case 'upsert-materialize':
      return `UpsertMaterialize(key=[${names(f, n.key)}], ${mode})`;
    case 'join': {
      const nl = inputFields(n.left)?.length ?? -1;
      const keys = n.leftKeys.map((l, i) => {
        const r = n.rightKeys[i]!;
        return `=(${f[l]?.name ?? `$${l}`}, ${nl >= 0 ? (f[r + nl]?.name ?? `$${r + nl}`) : `right.$${r}`})`;
      });
      const cond = [...keys, ...(n.condition !== null ? [formatExpr(n.condition, f)] : [])];
      const spec = (k: readonly number[] | null): string => (k === null ? 'NoUniqueKey' : `HasUniqueKey`);
      return `Join(joinType=[${joinName(n.joinType)}], where=[${cond.length === 0 ? 'true' : cond.join(' AND ')}], leftInputSpec=[${spec(n.leftUniqueKey)}], rightInputSpec=[${spec(n.rightUniqueKey)}], ${mode})`;
    }
    case 'group-aggregate': {
      const g = n.groupKeys.length;
      const inf = inputFields(n.input);
      const arg = (x: number): string => inf?.[x]?.name ?? `$${x}`;
      const sel = [
        ...f.slice(0, g).map((x) => x.name),
        ...n.aggs.map((a, i) => `${a.fn}(${a.distinct ? 'DISTINCT ' : ''}${a.args.length === 0 ? '*' : a.args.map(arg).join(', ')}) AS ${f[g + i]?.name ?? a.name}`),
      ];
      return `GroupAggregate(${g > 0 ? `groupBy=[${f.slice(0, g).map((x) => x.name).join(', ')}], ` : ''}select=[${sel.join(', ')}], ${mode})`;
    }
    case 'union':
      return `Union(all=[true], ${mode})`;
    case 'sink':
      return `Sink(table=[${n.table.path.join('.')}], fields=[${f.map((x) => x.name).join(', ')}])`;
  }
}

function joinName(t: string): string {
  return t === 'inner' ? 'InnerJoin' : t === 'left' ? 'LeftOuterJoin' : t === 'right' ? 'RightOuterJoin' : 'FullOuterJoin';
}

function withAlias(text: string, name: string | undefined): string {
  if (name === undefined || text === name) return text;
  return `${text} AS ${name}`;
}

/** Expression text; input refs by field name when `fields` is given, else `$i`. */
export function formatExpr(e: Expr, fields: readonly Field[] | null): string {
  switch (e.kind) {
    case 'input':
      return fields?.[e.index]?.name ?? `$${e.index}`;
    case 'literal':
      if (e.value === null) return 'null:' + formatType(e.type);
      if (e.type.kind === 'VARCHAR' || e.type.kind === 'CHAR') return `'${String(e.value).replace(/'/g, "''")}'`;
      return formatValue(e.value, e.type) ?? 'null';
    case 'call': {
      const args = e.args.map((a) => formatExpr(a, fields));
      if (/^[A-Z_0-9 ]+$/.test(e.fn) && !['AND', 'OR'].includes(e.fn)) return `${e.fn}(${args.join(', ')})`;
      if (e.fn === 'AND' || e.fn === 'OR') return args.map((a) => `(${a})`).join(` ${e.fn} `);
      return `${e.fn}(${args.join(', ')})`;
    }
    case 'cast':
      return `${e.tryCast ? 'TRY_CAST' : 'CAST'}(${formatExpr(e.arg, fields)} AS ${formatType(e.type)})`;
    case 'case':
      return `CASE(${e.whens.map((w) => `${formatExpr(w.when, fields)}, ${formatExpr(w.then, fields)}`).join(', ')}${e.otherwise !== null ? ', ' + formatExpr(e.otherwise, fields) : ''})`;
  }
}
