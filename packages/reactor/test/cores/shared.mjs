// A core over Runtime.start({ shared }): writes per-core entries with self-checking values into
// ctx.shared, reads any core's entries back and counts what is missing or corrupt, and can die
// without running its exit hooks (as a core killed for memory, or terminated, does).
import { defineCore } from '../../dist/index.js';

/** The value of entry `i` of core `core`, written in generation `gen`: 16 bytes, the last a checksum of the first 12. */
export function entryValue(core, i, gen) {
  const words = new Uint32Array([core, i, gen, 0]);
  words[3] = checksum(words[0], words[1], words[2]);
  return new Uint8Array(words.buffer);
}

function checksum(a, b, c) {
  return (
    (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35) ^ Math.imul(c, 0x27d4eb2f)) >>> 0
  );
}

/** `{ gen }` for a value that is entry `i` of core `core` and checks out, else null. */
export function checkEntry(bytes, core, i) {
  if (bytes === undefined || bytes.length !== 16) return null;
  const w = new Uint32Array(bytes.buffer, bytes.byteOffset, 4);
  if (w[0] !== core || w[1] !== i || w[3] !== checksum(w[0], w[1], w[2])) return null;
  return { gen: w[2] };
}

export const entryKey = (core, i) => `core:${core}:${i}`;

export default defineCore({
  init(ctx) {
    // The map is attached before init: a restarted core finds what the others (and it) wrote.
    if (ctx.data?.shared !== false) ctx.shared.addNumber(`starts:${ctx.core}`, 1);
  },
  onMessage(ctx, _key, v) {
    switch (v.op) {
      case 'write': {
        for (let i = 0; i < v.count; i++) ctx.shared.set(entryKey(ctx.core, i), entryValue(ctx.core, i, ctx.restarts));
        return v.count;
      }
      case 'read': {
        // Every entry of core `of`: how many are there, how many check out, which generations.
        let found = 0;
        let bad = 0;
        const gens = new Set();
        for (let i = 0; i < v.count; i++) {
          const bytes = ctx.shared.get(entryKey(v.of, i));
          if (bytes === undefined) continue;
          found++;
          const entry = checkEntry(bytes, v.of, i);
          if (entry === null) bad++;
          else gens.add(entry.gen);
        }
        return { found, bad, gens: [...gens].sort() };
      }
      case 'get-string':
        return ctx.shared.getString(v.key) ?? null;
      case 'restarts':
        return ctx.restarts;
      case 'no-shared':
        try {
          return ctx.shared.size;
        } catch (error) {
          return error.code;
        }
      case 'hard-kill':
        // No exit hook runs: the map's own release at thread exit is skipped, as in an OOM kill.
        process.removeAllListeners('exit');
        process.exit(9);
        return 'dying';
      default:
        throw new Error(`unknown op ${v.op}`);
    }
  },
});
