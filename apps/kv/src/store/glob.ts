// Redis's stringmatchlen(): the glob patterns of KEYS, SCAN MATCH and CONFIG GET (`*`, `?`,
// `[abc]`, `[^a-z]`, `\x` escapes), byte for byte (latin1 strings), so the same pattern selects
// the same keys.

/** Whether `s` matches the glob `pattern`; `nocase` folds ASCII case (CONFIG GET does). */
export function globMatch(pattern: string, s: string, nocase = false): boolean {
  return match(pattern, 0, s, 0, nocase, 0);
}

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

interface MatchState {
  /** Redis's skipLongerMatches: once a `*` failed at every position, longer tries fail too. */
  skipLonger: boolean;
}

function match(
  p: string,
  pi: number,
  s: string,
  si: number,
  nocase: boolean,
  nesting: number,
  st?: MatchState,
): boolean {
  // Redis caps recursion to keep patterns like "*a*a*a*…" from exploding.
  if (nesting > 1000) return false;
  const state = st ?? { skipLonger: false };
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si < slen) {
    const pc = p.charCodeAt(pi);
    const sc = s.charCodeAt(si);
    if (pc === 0x2a) {
      while (pi + 1 < plen && p.charCodeAt(pi + 1) === 0x2a) pi++;
      if (pi + 1 === plen) return true;
      while (si < slen) {
        if (match(p, pi + 1, s, si, nocase, nesting + 1, state)) return true;
        if (state.skipLonger) return false;
        si++;
      }
      state.skipLonger = true;
      return false;
    }
    if (pc === 0x3f) {
      si++;
    } else if (pc === 0x5b) {
      pi++;
      const not = pi < plen && p.charCodeAt(pi) === 0x5e;
      if (not) pi++;
      let matched = false;
      for (;;) {
        if (pi >= plen) {
          pi--;
          break;
        }
        const c = p.charCodeAt(pi);
        if (c === 0x5c && pi + 1 < plen) {
          pi++;
          if (p.charCodeAt(pi) === sc) matched = true;
        } else if (c === 0x5d) {
          break;
        } else if (pi + 2 < plen && p.charCodeAt(pi + 1) === 0x2d) {
          let start = c;
          let end = p.charCodeAt(pi + 2);
          let x = sc;
          if (start > end) [start, end] = [end, start];
          if (nocase) {
            start = lower(start);
            end = lower(end);
            x = lower(x);
          }
          pi += 2;
          if (x >= start && x <= end) matched = true;
        } else if (nocase ? lower(c) === lower(sc) : c === sc) {
          matched = true;
        }
        pi++;
      }
      if (not) matched = !matched;
      if (!matched) return false;
      si++;
    } else {
      let want = pc;
      if (pc === 0x5c && pi + 1 < plen) {
        pi++;
        want = p.charCodeAt(pi);
      }
      if (nocase ? lower(want) !== lower(sc) : want !== sc) return false;
      si++;
    }
    pi++;
    if (si >= slen) {
      while (pi < plen && p.charCodeAt(pi) === 0x2a) pi++;
      break;
    }
  }
  return pi >= plen && si >= slen;
}
