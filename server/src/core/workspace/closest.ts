/**
 * Suggestions for a mistyped clause id: the known ids nearest to it by optimal string alignment
 * distance (Damerau-Levenshtein with adjacent transpositions), which catches the usual slips of a
 * person typing an id: a letter missing, doubled, wrong or swapped with its neighbour.
 */

/** Edit distance with adjacent transpositions, case-insensitive; stops early above `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  let prev2 = new Array<number>(cols).fill(0);
  let prev = Array.from({ length: cols }, (_, j) => j);
  let cur = new Array<number>(cols).fill(0);
  for (let i = 1; i < rows; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j < cols; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        d = Math.min(d, prev2[j - 2] + 1);
      }
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return limit + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[cols - 1];
}

/**
 * Up to `max` candidates closest to `word`, nearest first (ties in the candidates' order). A
 * candidate counts as close when its distance is at most a third of the longer word (at least 2),
 * or when one word contains the other.
 */
export function closest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const scored: Array<{ candidate: string; distance: number; order: number }> = [];
  const lower = word.toLowerCase();
  let order = 0;
  for (const candidate of candidates) {
    const limit = Math.max(2, Math.floor(Math.max(word.length, candidate.length) / 3));
    let distance = editDistance(word, candidate, limit);
    const c = candidate.toLowerCase();
    if (distance > limit && lower.length >= 3 && (c.includes(lower) || lower.includes(c))) distance = limit;
    if (distance <= limit && distance > 0) scored.push({ candidate, distance, order: order++ });
  }
  scored.sort((x, y) => x.distance - y.distance || x.order - y.order);
  return [...new Set(scored.map((s) => s.candidate))].slice(0, max);
}
