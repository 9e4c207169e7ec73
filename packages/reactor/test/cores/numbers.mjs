// A core for number values (the frames' int32 fast path and msgpack's other numbers): a
// keyless number request is echoed; keyed number sends are checked against a per-key sequence;
// 'relay' asks another core through the mesh and checks each echo.
import { defineCore } from '../../dist/index.js';

/** Per key: the next sequence number expected. */
const next = new Map();
let received = 0;
let checksum = 0;
let wrong = 0;

function mix(sum, x) {
  return (Math.imul(sum ^ x, 0x9e3779b1) + 0x7f4a7c15) | 0;
}

export default defineCore({
  onMessage(ctx, key, value) {
    if (typeof value === 'number' || value === undefined) {
      if (key === undefined) return value; // the echo
      // A keyed send: value is the key's sequence number, an integer when even, + 0.25 when odd.
      const seq = Math.floor(value);
      const expected = next.get(key) ?? 0;
      if (seq !== expected || (seq % 2 === 0) !== Number.isInteger(value)) wrong++;
      next.set(key, expected + 1);
      received++;
      checksum = mix(checksum, seq + (typeof key === 'number' ? key : 0));
      return undefined;
    }
    if (value.op === 'report') return { received, checksum, wrong, keys: next.size };
    if (value.op === 'relay') {
      // Core-to-core requests with the same values; counts the echoes that differ.
      return (async () => {
        let mismatches = 0;
        for (const v of value.values) {
          const reply = await ctx.requestTo(value.to, v);
          if (!Object.is(reply, v)) mismatches++;
        }
        return { mismatches, count: value.values.length };
      })();
    }
    return undefined;
  },
});
