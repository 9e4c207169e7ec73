// A reducer whose state proves order and exactly-once: `h` folds every value in sequence, so a
// record applied twice, skipped or out of order gives another `h`. Shared by the tests and the
// child processes (loaded with Node's type stripping).

export interface Counter {
  n: number;
  sum: number;
  h: number;
}

export interface Add {
  v: number;
  pad?: string;
}

export const counterSpec = {
  init: (): Counter => ({ n: 0, sum: 0, h: 0 }),
  apply(state: Counter, record: Add): void {
    state.n++;
    state.sum += record.v;
    state.h = (Math.imul(state.h, 31) + record.v) >>> 0;
  },
  snapshot: (state: Counter): Uint8Array => Buffer.from(JSON.stringify(state)),
  restore: (bytes: Uint8Array): Counter => JSON.parse(Buffer.from(bytes).toString('utf8')) as Counter,
};

/** The state after applying values `0..count-1` in order. */
export function expectedCounter(count: number): Counter {
  const state = counterSpec.init();
  for (let v = 0; v < count; v++) counterSpec.apply(state, { v });
  return state;
}

/** A record of about 200 bytes, so a few hundred fill more than one 64 KiB segment. */
export function add(v: number): Add {
  return { v, pad: 'p'.repeat(200) };
}
