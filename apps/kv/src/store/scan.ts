// SCAN/SSCAN/HSCAN cursors. Redis walks its hash table by reversed bucket index; a JS Map has no
// buckets, so the cursor here is a position in the order of a 32-bit FNV-1a hash of each
// element: a call returns the `count` elements of smallest hash at or after the cursor (all
// elements of one hash together), and the next cursor is the next hash + 1 (0 = done). An
// element present for the whole iteration is returned at least once, as Redis guarantees,
// however the collection changes between calls.

/** FNV-1a over the latin1 chars (bytes) of `s`. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One step of a scan: the elements to return and the next cursor (0 when the scan is complete). */
export function scanStep<T>(
  items: Iterable<T>,
  keyOf: (item: T) => string,
  cursor: number,
  count: number,
): { cursor: number; items: T[] } {
  const start = cursor === 0 ? 0 : cursor - 1;
  const candidates: { h: number; item: T }[] = [];
  for (const item of items) {
    const h = hash32(keyOf(item));
    if (h >= start) candidates.push({ h, item });
  }
  candidates.sort((a, b) => a.h - b.h);
  let n = Math.min(count, candidates.length);
  while (
    n > 0 &&
    n < candidates.length &&
    (candidates[n] as { h: number }).h === (candidates[n - 1] as { h: number }).h
  )
    n++;
  const next = n < candidates.length ? (candidates[n] as { h: number }).h + 1 : 0;
  return { cursor: next, items: candidates.slice(0, n).map((x) => x.item) };
}
