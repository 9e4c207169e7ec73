// What a router-suite consumer thread reports, shared by the case (expected values) and the
// worker script (src/workers/router.ts).

/** What a consumer saw: the records and their checksum (see `checksumRecord`). */
export interface ConsumerTally {
  count: number;
  checksum: number;
  /** Ring consumers: how often the thread slept during the sample (voluntary context switches). */
  sleeps?: number;
}

/**
 * The checksum term of one routed record (`[u32 key length][key][payload]`, the payload starting
 * with the record's sequence number as a u32 LE): every record, its key length and its sequence
 * number count, so a lost, duplicated or corrupt record changes the sum.
 */
export function checksumRecord(bytes: Uint8Array, at: number): number {
  const keyLength = (bytes[at] as number) | ((bytes[at + 1] as number) << 8);
  const p = at + 4 + keyLength;
  const seq =
    (bytes[p] as number) |
    ((bytes[p + 1] as number) << 8) |
    ((bytes[p + 2] as number) << 16) |
    ((bytes[p + 3] as number) << 24);
  return (Math.imul(seq + 1, 0x9e3779b1) + keyLength) | 0;
}
