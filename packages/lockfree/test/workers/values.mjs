// Self-checking values, shared by the worker scripts and the tests: a torn read, a block handed
// to two writers (ABA in a free list) or a value under the wrong key fails verify().
//   value: u32 keyId | u32 writer | u32 seq | payload (length 0..maxPayload) | u32 FNV-1a of all before
export const FNV_START = 2166136261;
export const fnv = (h, x) => Math.imul(h ^ x, 16777619) >>> 0;

export function makeValue(keyId, writer, seq, payloadLength) {
  const bytes = new Uint8Array(16 + payloadLength);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, keyId, true);
  view.setUint32(4, writer, true);
  view.setUint32(8, seq, true);
  for (let j = 0; j < payloadLength; j++) bytes[12 + j] = (keyId + writer * 31 + seq * 7 + j) & 0xff;
  let h = FNV_START;
  for (let j = 0; j < 12 + payloadLength; j++) h = fnv(h, bytes[j]);
  view.setUint32(12 + payloadLength, h, true);
  return bytes;
}

/** Null when `bytes` is a whole value of key `keyId`, else what is wrong. */
export function verify(bytes, keyId) {
  if (bytes.length < 16) return `value of ${bytes.length} bytes`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let h = FNV_START;
  for (let j = 0; j < bytes.length - 4; j++) h = fnv(h, bytes[j]);
  if (h !== view.getUint32(bytes.length - 4, true)) return 'checksum mismatch (torn or reused block)';
  if (view.getUint32(0, true) !== keyId) return `value of key ${view.getUint32(0, true)} under key ${keyId}`;
  return null;
}

/** The (writer, seq) a value carries. */
export function stamp(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return { writer: view.getUint32(4, true), seq: view.getUint32(8, true) };
}

/** xorshift32: the same stream in every thread for the same seed. */
export function rng(seed) {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}
