// A core for the 'raw' codec that checks every message: a keyed message's bytes are
// [seq & 0xff, …] of a length that varies with seq; it folds them into a checksum. A keyless
// request answers [count, checksum] as 8 bytes (little endian).
import { defineCore } from '../../dist/index.js';

let count = 0;
let checksum = 0;

export default defineCore({
  onMessage: (_ctx, key, bytes) => {
    if (key === undefined) return new Uint8Array(new Uint32Array([count, checksum >>> 0]).buffer);
    count++;
    for (let i = 0; i < bytes.length; i++) checksum = (Math.imul(checksum, 31) + bytes[i] + i) | 0;
    checksum = (checksum + bytes.length) | 0;
    return undefined;
  },
});
