/**
 * "Did you mean …?" for every error that names an unknown word (option, column,
 * function, keyword): one edit distance and one closest-match rule, with the closeness
 * limit left to the caller.
 */

/** Levenshtein distance; stops early and returns `max + 1` once it must exceed `max`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      const v = Math.min(up + 1, prev[j - 1]! + 1, diag + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1));
      prev[j] = v;
      diag = up;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
  }
  return prev[b.length]!;
}

export interface ClosestOptions {
  /** Compare lower-cased (the candidate is returned as written). */
  readonly ignoreCase?: boolean;
  /** The largest distance that still counts as a likely typo, given the best candidate. */
  readonly limit: (word: string, best: string) => number;
}

/**
 * The candidate nearest to `word` (the first one on ties), when its distance is within
 * `options.limit`; undefined otherwise.
 */
export function closestMatch(word: string, candidates: Iterable<string>, options: ClosestOptions): string | undefined {
  const w = options.ignoreCase === true ? word.toLowerCase() : word;
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(w, options.ignoreCase === true ? c.toLowerCase() : c, bestD);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= options.limit(word, best) ? best : undefined;
}
