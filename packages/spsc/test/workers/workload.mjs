// The JS half of the cross-thread workloads; the C++ half is native/workload.h and both follow
// the same sequence and checksum, so any producer pairs with any consumer:
//   slot ring:  value i is i (a bigint for bigint64 rings)
//   byte ring:  record i has length fixedLength, or (i * 7) % (maxLength + 1) when fixedLength < 0;
//               type i & 0xffff; payload byte j is (i + j) & 0xff
//   checksum:   FNV-1a (32-bit) over the values (as uint32), or over length, type and each byte
import { ByteRingConsumer, ByteRingProducer, RingConsumer, RingProducer } from '@corelane/spsc';

export const FNV_START = 2166136261;
export const fnv = (h, x) => Math.imul(h ^ x, 16777619) >>> 0;

export function recordLength(spec, i) {
  return spec.fixedLength >= 0 ? spec.fixedLength : (i * 7) % (spec.maxLength + 1);
}

/** Waits for the ring in the way `spec.wait` says: 'spin' (yield to nothing), 'park' (sync wait), 'async'. */
async function waitFor(side, spec, deadline) {
  const remaining = Math.max(0, Math.ceil(deadline - performance.now()));
  if (spec.wait === 'spin') return performance.now() < deadline && !side.peerClosed;
  if (spec.wait === 'park') {
    return side.role === 'producer' ? side.waitWritable(remaining, spec.lastLength) : side.waitReadable(remaining);
  }
  return side.role === 'producer' ? side.writable(remaining, spec.lastLength) : side.readable(remaining);
}

/** Produces `spec.count` items; resolves { count, checksum, errors, timedOut }. */
export async function produce(buffer, kind, spec) {
  const deadline = performance.now() + spec.timeoutMs;
  const side =
    kind === 'slot'
      ? new RingProducer(buffer, { publishEvery: spec.publishEvery, napMs: spec.napMs })
      : new ByteRingProducer(buffer, { publishEvery: spec.publishEvery, napMs: spec.napMs });
  const big = side.type === 'bigint64';
  let checksum = FNV_START;
  let i = 0;
  let timedOut = false;
  while (i < spec.count) {
    let ok;
    if (kind === 'slot') {
      ok = side.push(big ? BigInt(i) : i);
      if (ok) checksum = fnv(checksum, i);
    } else {
      const length = recordLength(spec, i);
      const type = i & 0xffff;
      // inPlace: claimOffset() into the one `data` view instead of a view per claim
      const at = spec.inPlace ? side.claimOffset(length, type) : 0;
      const bytes = spec.inPlace ? (at >= 0 ? side.data : null) : side.claim(length, type);
      ok = bytes !== null;
      if (ok) {
        checksum = fnv(fnv(checksum, length), type);
        for (let j = 0; j < length; j++) {
          bytes[at + j] = (i + j) & 0xff;
          checksum = fnv(checksum, bytes[at + j]);
        }
        side.commit();
      }
      spec.lastLength = length;
    }
    if (ok) {
      i++;
      if (spec.flushEvery && i % spec.flushEvery === 0) side.flush();
      // pauseMsEvery: publish, then idle a timer tick, so a native consumer has parked by then
      if (spec.pauseMsEvery && i % spec.pauseMsEvery === 0) {
        side.flush();
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    } else if (!(await waitFor(side, spec, deadline))) {
      timedOut = true;
      break;
    }
  }
  // lingerUntilPeerCloses: neither flush nor close until the consumer is done, so only the
  // batch threshold and the microtask auto-flush can have published the items.
  while (spec.lingerUntilPeerCloses && !side.peerClosed && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  side.close();
  return { count: i, checksum, errors: 0, timedOut };
}

/** Consumes `spec.count` items, checking each; resolves { count, checksum, errors, timedOut }. */
export async function consume(buffer, kind, spec) {
  const deadline = performance.now() + spec.timeoutMs;
  const side =
    kind === 'slot'
      ? new RingConsumer(buffer, { publishEvery: spec.publishEvery, napMs: spec.napMs })
      : new ByteRingConsumer(buffer, { publishEvery: spec.publishEvery, napMs: spec.napMs });
  let checksum = FNV_START;
  let errors = 0;
  let i = 0;
  let timedOut = false;
  const onValue = (v) => {
    if (Number(v) !== i) errors++;
    checksum = fnv(checksum, Number(v));
    i++;
  };
  const onBytes = (bytes, at, length, type) => {
    if (length !== recordLength(spec, i) || type !== (i & 0xffff)) errors++;
    checksum = fnv(fnv(checksum, length), type);
    for (let j = 0; j < length; j++) {
      if (bytes[at + j] !== ((i + j) & 0xff)) errors++;
      checksum = fnv(checksum, bytes[at + j]);
    }
    i++;
  };
  const onRecord = (bytes, type) => onBytes(bytes, 0, bytes.length, type);
  const onOffset = (at, length, type) => onBytes(side.data, at, length, type);
  // 'park' with perMessage: read one item, then sleep again: the lost-wake-up variant.
  const max = spec.perMessage ? 1 : Number.POSITIVE_INFINITY;
  while (i < spec.count) {
    let n;
    if (kind === 'slot') {
      if (spec.pop) {
        const v = side.pop();
        n = 0;
        if (v !== undefined) {
          onValue(v);
          n = 1;
        }
      } else n = side.drain(onValue, Math.min(max, spec.count - i));
    } else if (spec.inPlace) n = side.readOffsets(onOffset, Math.min(max, spec.count - i));
    else n = side.read(onRecord, Math.min(max, spec.count - i));
    if (n === 0 && !(await waitFor(side, spec, deadline))) {
      // untilClosed: take the wait at its word, "the producer closed and the ring is empty"
      if (spec.untilClosed && side.peerClosed) break;
      // a peer that closed may still have left items: read once more before giving up
      if (kind === 'slot' ? side.available > 0 : side.availableBytes > 0) continue;
      timedOut = true;
      break;
    }
    if (n > 0 && spec.perMessage && spec.wait !== 'spin') {
      if (!(await waitFor(side, spec, deadline)) && i < spec.count) {
        if (kind === 'slot' ? side.available > 0 : side.availableBytes > 0) continue;
        timedOut = true;
        break;
      }
    }
  }
  side.close();
  return { count: i, checksum, errors, timedOut };
}
