// A Wing & Gong linearizability checker (with Lowe's memo of visited states) for histories of
// one key of a map: set / get / delete / compareAndSet, values named by numbers (0 = absent).
// Linearizability is local (Herlihy & Wing): a map history is linearizable iff each key's is.

export const Kind = { SET: 0, GET: 1, DELETE: 2, CAS: 3 } as const;

export interface Op {
  kind: number;
  /** set: the value; cas: the expected value (0 = absent). */
  a: number;
  /** cas: the next value (0 = delete). */
  b: number;
  /** get: the value read (0 = absent); delete and cas: 1 for true, 0 for false. */
  result: number;
  /** Ticks of the shared clock at invocation and at response (inv < res). */
  inv: number;
  res: number;
}

/** The state after `op` from `state`, or -1 when `op`'s result is impossible from `state`. */
function step(state: number, op: Op): number {
  switch (op.kind) {
    case Kind.SET:
      return op.a;
    case Kind.GET:
      return op.result === state ? state : -1;
    case Kind.DELETE:
      return op.result === (state !== 0 ? 1 : 0) ? 0 : -1;
    default: {
      const matches = state === op.a;
      if (op.result !== (matches ? 1 : 0)) return -1;
      return matches ? op.b : state;
    }
  }
}

/** Whether the history of one key (at most 30 ops), starting absent, is linearizable. */
export function linearizable(ops: readonly Op[]): boolean {
  if (ops.length > 30) throw new RangeError('the checker takes at most 30 ops per key');
  const full = 2 ** ops.length - 1;
  const seen = new Set<string>();
  const search = (done: number, state: number): boolean => {
    if (done === full) return true;
    const memo = `${done}:${state}`;
    if (seen.has(memo)) return false;
    seen.add(memo);
    // The earliest response among pending ops: an op invoked after it cannot go first.
    let firstResponse = Number.POSITIVE_INFINITY;
    for (let i = 0; i < ops.length; i++) {
      if ((done & (2 ** i)) === 0) firstResponse = Math.min(firstResponse, (ops[i] as Op).res);
    }
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as Op;
      if ((done & (2 ** i)) !== 0 || op.inv > firstResponse) continue;
      const next = step(state, op);
      if (next !== -1 && search(done + 2 ** i, next)) return true;
    }
    return false;
  };
  return search(0, 0);
}
