// Copying a caller's bytes into a ring: a Router's payload and byte key, a byte ring's record in
// write(), a reactor frame's key and value, a queued frame moved into its ring. Every such copy
// goes through here. The source is the caller's Uint8Array, at any offset of its own memory; its
// place in the ring is at any byte offset (after a routed record's key). So the copy reads bytes
// and cannot use a word view on either side.
//
// What V8 makes of each way, ns per record, measured on the bench machine (Node 24, 200,000
// distinct off-heap 32-byte sources into a SharedArrayBuffer at odd offsets, interleaved, single
// thread, two runs):
//   byte loop   `for (i…) data[at + i] = p[i]`                               63-99
//   set()       `data.set(p, at)`: a builtin call, then memmove                75-80
//   word loop   4 bytes composed per step, variable index, DataView stores     96-112
//   words       4 bytes composed from constant indices p[0]…p[31], each        39-59
//               stored with DataView.setInt32(at + k, w, true), at any offset
//   (reading p[0] and p[31] alone: 23-26)
// Only constant indices pay off (measured as above; V8's machine code was not examined). So the
// copy is written out in fixed blocks (bytes 0-15, then 16-23 or 16-31, 32-39 or 32-47, 48-55 or
// 48-63), then one word at most, then at most 3 bytes.
// Whole calls, interleaved A/B, paired rounds, medians:
//   Router.route(), against its byte loop (up to 32 B) or set(): 32 B 1.14-1.28x, 48 B
//   1.22-1.31x, 64 B 1.14-1.30x; 16 B the same (0.96-1.07x).
//   ByteRingProducer.write(), against set() (40 rounds per process, several processes): 32 B
//   1.16-2.06x, 48 B 2.0-2.5x, 64 B 1.5x, 16 B 1.16-1.19x, 8-12 B (byte loop) 1.13-1.14x; 100 B
//   (set() on both sides) 1.01x.
// Below 16 bytes a byte loop: in route() the words' out-of-line call cost what they would save.
//
// Memory ordering: every store here is a plain (unordered) store into the SharedArrayBuffer, as a
// byte loop's or set()'s would be, each inside the record's claimed room; the ring's publish (a
// seq-cst store of the tail, after the record is written) is what makes them visible to the
// consumer, whose seq-cst load of the tail comes before it reads them. Mixed sizes (4-byte
// stores, 1-byte reads) are allowed for such accesses in the JS memory model.

import { readWordLE } from './read-le.js';

/** Sources of this many bytes and more are copied in words (see above)... */
const WORDS_FROM = 16;
/** ...up to this many; longer ones with one `set()`. */
const WORDS_UP_TO = 64;

/**
 * Copies `source` into `data` at `at` (`data[at]`…`data[at + source.length - 1]`, nothing past
 * it). `view` is a DataView of the same memory as `data`, with the same start; the caller has
 * checked that the bytes fit.
 */
export function copyBytesAt(view: DataView, data: Uint8Array, at: number, source: Uint8Array): void {
  const length = source.length;
  if (length > WORDS_UP_TO) data.set(source, at);
  else if (length >= WORDS_FROM) writeWords(view, data, at, source, length);
  else for (let i = 0; i < length; i++) data[at + i] = source[i] as number;
}

/** A range that is part of its source is copied byte by byte up to this many bytes, else with subarray + `set()`. */
const RANGE_LOOP_UP_TO = 32;

/**
 * Copies `source[from]`…`source[from + length - 1]` into `data` at `at`: {@link copyBytesAt} when
 * that is the whole of `source`; a part of it (a key in a reused scratch buffer, a frame in a
 * queue) byte by byte up to 32 bytes, else with one subarray and `set()`. (Measured, a part of a
 * larger buffer into a SharedArrayBuffer: the loop 17-30 ns for 16-32 bytes against 32-35 for
 * subarray + set(); at 48 bytes 45 against 38. The words of copyBytesAt() with a variable source
 * offset made route() 5-10% slower, so they stay for whole sources.) The caller has checked that
 * the range is inside `source` and fits at `at`.
 */
export function copyRangeAt(
  view: DataView,
  data: Uint8Array,
  at: number,
  source: Uint8Array,
  from: number,
  length: number,
): void {
  if (from === 0 && length === source.length) copyBytesAt(view, data, at, source);
  else if (length <= RANGE_LOOP_UP_TO) for (let i = 0; i < length; i++) data[at + i] = source[from + i] as number;
  else data.set(source.subarray(from, from + length), at);
}

/** A DataView of exactly the memory `bytes` views: the `view` argument of {@link copyBytesAt}. */
export function dataViewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * `copyBytesAt()` for 16-64 bytes: whole blocks from fixed offsets, then a word, then bytes.
 * readWordLE() is inlined, so its index is a constant at every call but the last.
 */
function writeWords(view: DataView, data: Uint8Array, at: number, p: Uint8Array, length: number): void {
  view.setInt32(at, readWordLE(p, 0), true);
  view.setInt32(at + 4, readWordLE(p, 4), true);
  view.setInt32(at + 8, readWordLE(p, 8), true);
  view.setInt32(at + 12, readWordLE(p, 12), true);
  let done = 16;
  if (length >= 32) {
    view.setInt32(at + 16, readWordLE(p, 16), true);
    view.setInt32(at + 20, readWordLE(p, 20), true);
    view.setInt32(at + 24, readWordLE(p, 24), true);
    view.setInt32(at + 28, readWordLE(p, 28), true);
    done = 32;
    if (length >= 48) {
      view.setInt32(at + 32, readWordLE(p, 32), true);
      view.setInt32(at + 36, readWordLE(p, 36), true);
      view.setInt32(at + 40, readWordLE(p, 40), true);
      view.setInt32(at + 44, readWordLE(p, 44), true);
      done = 48;
      if (length >= 64) {
        view.setInt32(at + 48, readWordLE(p, 48), true);
        view.setInt32(at + 52, readWordLE(p, 52), true);
        view.setInt32(at + 56, readWordLE(p, 56), true);
        view.setInt32(at + 60, readWordLE(p, 60), true);
        done = 64;
      } else if (length >= 56) {
        view.setInt32(at + 48, readWordLE(p, 48), true);
        view.setInt32(at + 52, readWordLE(p, 52), true);
        done = 56;
      }
    } else if (length >= 40) {
      view.setInt32(at + 32, readWordLE(p, 32), true);
      view.setInt32(at + 36, readWordLE(p, 36), true);
      done = 40;
    }
  } else if (length >= 24) {
    view.setInt32(at + 16, readWordLE(p, 16), true);
    view.setInt32(at + 20, readWordLE(p, 20), true);
    done = 24;
  }
  // At most 7 bytes are left: one word (its index not a constant), then bytes.
  if (length - done >= 4) {
    view.setInt32(at + done, readWordLE(p, done), true);
    done += 4;
  }
  for (let i = done; i < length; i++) data[at + i] = p[i] as number;
}
