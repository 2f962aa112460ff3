/**
 * Comparing final query results cheaply: a multiset of row texts (`a|b|c`), its row
 * count, and an order-independent checksum (FNV-1a of each row text, times its
 * multiplicity, summed mod 2^32).
 */

export interface ResultSummary {
  readonly rows: number;
  readonly sum: number;
}

/** Row text → multiplicity. */
export function multisetOf(texts: Iterable<string>): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of texts) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

export function checksum(rows: Iterable<readonly [string, number]>): ResultSummary {
  let count = 0;
  let sum = 0;
  for (const [text, m] of rows) {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    count += m;
    sum = (sum + (Math.imul(h, m) >>> 0)) >>> 0;
  }
  return { rows: count, sum };
}

/** Up to `limit` rows whose multiplicity differs, each way, as text for a report. */
export function describeDifference(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>, limit = 3): string {
  const only = (x: ReadonlyMap<string, number>, y: ReadonlyMap<string, number>): string[] => {
    const out: string[] = [];
    for (const [k, n] of x) {
      if ((y.get(k) ?? 0) !== n) out.push(`${k} ×${n} (vs ×${y.get(k) ?? 0})`);
      if (out.length >= limit) break;
    }
    return out;
  };
  return `Strata-only: ${only(a, b).join('; ') || 'none'} / peer-only: ${only(b, a).join('; ') || 'none'}`;
}
