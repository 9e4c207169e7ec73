// A port of Redis's sdssplitargs(): how an inline command line ("SET k \"a b\"") becomes
// arguments. Quotes, \xHH escapes and the rule that a closing quote must be followed by a space
// are Redis's, so redis-cli and telnet users see the same parse (and the same errors).

const SPACE = new Set([0x20, 0x0a, 0x0d, 0x09, 0x0b, 0x0c]);

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return c - 0x41 + 10;
}

const ESCAPES: Record<number, number> = { 110: 0x0a, 114: 0x0d, 116: 0x09, 98: 0x08, 97: 0x07 };

/**
 * Splits one inline line (latin1, without its newline) into arguments, or returns `null` when the
 * quotes are unbalanced (Redis then replies "Protocol error: unbalanced quotes in request").
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let p = 0;
  const n = line.length;
  for (;;) {
    while (p < n && SPACE.has(line.charCodeAt(p))) p++;
    if (p >= n) return out;
    let inq = false; // inside "double quotes"
    let insq = false; // inside 'single quotes'
    let done = false;
    let cur = '';
    while (!done) {
      const c = p < n ? line.charCodeAt(p) : -1;
      if (inq) {
        if (c === -1) return null;
        if (
          c === 0x5c &&
          p + 3 < n &&
          line.charCodeAt(p + 1) === 0x78 &&
          isHex(line.charCodeAt(p + 2)) &&
          isHex(line.charCodeAt(p + 3))
        ) {
          cur += String.fromCharCode(hexValue(line.charCodeAt(p + 2)) * 16 + hexValue(line.charCodeAt(p + 3)));
          p += 3;
        } else if (c === 0x5c && p + 1 < n) {
          p++;
          const e = line.charCodeAt(p);
          cur += String.fromCharCode(ESCAPES[e] ?? e);
        } else if (c === 0x22) {
          // A closing quote must be followed by a space or the end.
          if (p + 1 < n && !SPACE.has(line.charCodeAt(p + 1))) return null;
          done = true;
        } else {
          cur += line[p];
        }
      } else if (insq) {
        if (c === -1) return null;
        if (c === 0x5c && p + 1 < n && line.charCodeAt(p + 1) === 0x27) {
          p++;
          cur += "'";
        } else if (c === 0x27) {
          if (p + 1 < n && !SPACE.has(line.charCodeAt(p + 1))) return null;
          done = true;
        } else {
          cur += line[p];
        }
      } else if (c === -1 || SPACE.has(c)) {
        done = true;
      } else if (c === 0x22) {
        inq = true;
      } else if (c === 0x27) {
        insq = true;
      } else {
        cur += line[p];
      }
      if (p < n) p++;
    }
    out.push(cur);
  }
}
