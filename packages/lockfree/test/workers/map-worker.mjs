// One worker of the cross-thread map tests; `workerData.mode` picks the workload. Every
// workload is bounded in count (and the pinned one in time) and answers with one message.
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { SharedMap } from '@corelane/lockfree';
import { makeValue, rng, stamp, verify } from './values.mjs';

const { mode, handle } = workerData;

const workloads = {
  /**
   * Own keys (`w<id>:<k>`, only this worker writes them) and shared keys (`s:<k>`, every worker
   * writes them): sets, deletes, gets and compareAndSets; every value read is verified. Answers
   * with the final state of its own keys, as it last wrote them.
   */
  mixed({ id, ops, ownKeys, sharedKeys, seed }) {
    const map = SharedMap.attach(handle);
    const random = rng(seed);
    const own = new Map(); // key index -> seq of the value last written, or -1 when deleted
    let bad = 0;
    let firstBad = null;
    let reads = 0;
    const check = (bytes, keyId) => {
      if (bytes === undefined) return;
      reads++;
      const why = verify(bytes, keyId);
      if (why !== null) {
        bad++;
        firstBad ??= why;
      }
    };
    for (let seq = 1; seq <= ops; seq++) {
      const r = random();
      const k = Math.floor(random() * ownKeys);
      const s = Math.floor(random() * sharedKeys);
      const ownId = id * 100_000 + k;
      if (r < 0.35) {
        map.set(`w${id}:${k}`, makeValue(ownId, id, seq, (seq * 13) % 48));
        own.set(k, seq);
      } else if (r < 0.45) {
        map.delete(`w${id}:${k}`);
        own.set(k, -1);
      } else if (r < 0.6) {
        const current = map.get(`w${id}:${k}`);
        check(current, ownId);
        const expectSeq = own.get(k) ?? -1;
        const gotSeq = current === undefined ? -1 : stamp(current).seq;
        if (gotSeq !== expectSeq) {
          bad++;
          firstBad ??= `own key ${k}: read seq ${gotSeq}, last wrote ${expectSeq}`;
        }
      } else if (r < 0.8) {
        check(map.get(`s:${s}`), 1_000_000 + s);
      } else if (r < 0.9) {
        map.set(`s:${s}`, makeValue(1_000_000 + s, id, seq, (seq * 7) % 40));
      } else {
        const current = map.get(`s:${s}`);
        check(current, 1_000_000 + s);
        map.compareAndSet(`s:${s}`, current, r < 0.97 ? makeValue(1_000_000 + s, id, seq, 8) : undefined);
      }
    }
    map.close();
    return { own: [...own.entries()], bad, firstBad, reads };
  },

  /** `ops` increments spread over `hot` keys, half by addNumber, half by update() on a u32. */
  cas({ ops, hot }) {
    const map = SharedMap.attach(handle);
    for (let i = 0; i < ops; i++) {
      if (i & 1) {
        map.addNumber(`n${i % hot}`, 1);
      } else {
        map.update(`u${i % hot}`, (current) => {
          const next = new Uint8Array(4);
          new DataView(next.buffer).setUint32(
            0,
            (current ? new DataView(current.buffer).getUint32(0, true) : 0) + 1,
            true,
          );
          return next;
        });
      }
    }
    map.close();
    return { done: ops };
  },

  /**
   * Set/delete churn over `keys` own keys with values of varying size; reports the value bytes it
   * set, how many reads failed verification, and a typed error if one stopped it.
   */
  churn({ id, ops, keys, payload }) {
    const map = SharedMap.attach(handle);
    let written = 0;
    let bad = 0;
    let done = 0;
    let error = null;
    try {
      for (let seq = 1; seq <= ops; seq++) {
        const k = seq % keys;
        const keyId = id * 100_000 + k;
        if (seq % 3 === 0) map.delete(`c${id}:${k}`);
        else {
          const value = makeValue(keyId, id, seq, payload ?? (seq * 29) % 200);
          map.set(`c${id}:${k}`, value);
          written += value.length;
        }
        if (seq % 5 === 0) {
          const got = map.get(`c${id}:${(seq * 7) % keys}`);
          if (got !== undefined && verify(got, id * 100_000 + ((seq * 7) % keys)) !== null) bad++;
        }
        done = seq;
      }
    } catch (e) {
      error = { code: e.code, name: e.name, message: e.message };
    }
    map.close();
    return { done, bad, written, error };
  },

  /**
   * One side of a flow of blocks between threads: the 'set' side inserts keys `f<pair>:<k>`
   * (allocating), the 'delete' side reads, verifies and deletes them (freeing, once safe). The
   * freeing thread's block cache overflows into the shared free lists and the allocating
   * thread's runs dry, so blocks keep crossing through the tagged free lists.
   */
  flow({ role, pair, ops, keys, barrier, parties }) {
    const map = SharedMap.attach(handle);
    // Start together (bounded wait), so the two sides overlap.
    const arrived = new Int32Array(barrier);
    Atomics.add(arrived, 0, 1);
    const deadline = Date.now() + 10_000;
    while (Atomics.load(arrived, 0) < parties && Date.now() < deadline) Atomics.wait(arrived, 1, 0, 1);
    let bad = 0;
    let firstBad = null;
    let deleted = 0;
    let error = null;
    try {
      for (let seq = 1; seq <= ops; seq++) {
        const k = seq % keys;
        const key = `f${pair}:${k}`;
        if (role === 'set') {
          map.set(key, makeValue(pair * 100_000 + k, pair, seq, seq % 3 === 0 ? 16 : 0));
        } else {
          const got = map.get(key);
          if (got !== undefined) {
            const why = verify(got, pair * 100_000 + k);
            if (why !== null) {
              bad++;
              firstBad ??= why;
            }
          }
          if (map.delete(key)) deleted++;
        }
      }
    } catch (e) {
      error = { code: e.code, name: e.name, message: e.message };
    }
    map.close();
    return { bad, firstBad, deleted, error };
  },

  /**
   * Pins, reports the epoch it pinned at, then waits (bounded) for `release[0]` to become 1;
   * with `close`, unpins and closes after; without, never unpins (it is terminated).
   */
  pin({ release, waitMs, close }) {
    const map = SharedMap.attach(handle);
    map.epochs.pin();
    map.set('pinned', new Uint8Array([1]));
    parentPort.postMessage({ pinned: true, epoch: map.epochs.epoch, threadId });
    const flag = new Int32Array(release);
    Atomics.wait(flag, 0, 0, waitMs);
    if (close) {
      map.epochs.unpin();
      map.close();
    }
    return { released: Atomics.load(flag, 0) === 1 };
  },

  /**
   * Many short histories: per round, every worker waits at a barrier, then runs `perRound` ops
   * on `keys` fresh keys, stamping invocation and response with a shared SC counter (a clock
   * every thread agrees with). Values are numbers (4 bytes), unique per write. Answers with the
   * ops as flat rows [round, key, kind, a, b, result, inv, res].
   */
  history({ id, workers, rounds, perRound, keys, clock, barrier, seed, timeoutMs }) {
    const map = SharedMap.attach(handle);
    const ticks = new Int32Array(clock);
    const arrived = new Int32Array(barrier);
    const random = rng(seed);
    const rows = [];
    const lastSeen = new Map();
    const bytes = (n) => {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, n, true);
      return b;
    };
    const number = (b) => (b === undefined ? 0 : new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true));
    const deadline = Date.now() + timeoutMs;
    let seq = 0;
    for (let round = 0; round < rounds; round++) {
      // Barrier (bounded): everyone starts the round together, so the ops overlap.
      Atomics.add(arrived, 0, 1);
      while (Atomics.load(arrived, 0) < workers * (round + 1)) {
        if (Date.now() > deadline) throw new Error('barrier timed out');
        Atomics.wait(arrived, 1, 0, 1);
      }
      for (let i = 0; i < perRound; i++) {
        const k = Math.floor(random() * keys);
        const key = `r${round}:k${k}`;
        const r = random();
        const value = (id + 1) * 1_000_000 + ++seq;
        let kind;
        let a = 0;
        let b = 0;
        let result = 0;
        const inv = Atomics.add(ticks, 0, 1);
        if (r < 0.3) {
          kind = 0;
          a = value;
          map.set(key, bytes(value));
        } else if (r < 0.6) {
          kind = 1;
          result = number(map.get(key));
        } else if (r < 0.75) {
          kind = 2;
          result = map.delete(key) ? 1 : 0;
        } else {
          kind = 3;
          a = lastSeen.get(key) ?? 0;
          b = r < 0.95 ? value : 0;
          result = map.compareAndSet(key, a === 0 ? undefined : bytes(a), b === 0 ? undefined : bytes(b)) ? 1 : 0;
        }
        const res = Atomics.add(ticks, 0, 1);
        if (kind === 1) lastSeen.set(key, result);
        if (kind === 3 && result === 1) lastSeen.set(key, b);
        rows.push(round, k, kind, a, b, result, inv, res);
      }
    }
    map.close();
    return { rows };
  },

  /**
   * Many sets of the same few keys, their lengths crossing the inline slots' size both ways
   * (keys inserted at 16 bytes: two 16-byte slots), raced by readers. A writer (`set` or `cas`)
   * writes seq 1..rounds; a reader checks every value (checksum: no torn read) and that no
   * writer's seq it sees for a key goes back (no stale value after a newer one).
   */
  hammer({ role, id, rounds, keys, seed }) {
    const map = SharedMap.attach(handle);
    const random = rng(seed);
    const payloads = [0, 0, 1, 8, 0, 30, 48, 0, 2];
    let bad = 0;
    let firstBad = null;
    let reads = 0;
    let writes = 0;
    const last = new Map(); // `${key}/${writer}` -> the highest seq seen
    const check = (bytes, k, how) => {
      if (bytes === undefined) return;
      reads++;
      const why = verify(bytes, 2_000_000 + k);
      const { writer, seq } = stamp(bytes);
      const slot = `${k}/${writer}`;
      const before = last.get(slot) ?? -1;
      const wrong = why ?? (seq < before ? `writer ${writer} seq ${seq} read after ${before}` : null);
      if (wrong !== null) {
        bad++;
        firstBad ??= `key ${k}: ${wrong} (${how})`;
      }
      if (seq > before) last.set(slot, seq);
    };
    for (let seq = 1; seq <= rounds; seq++) {
      const k = Math.floor(random() * keys);
      if (role === 'reader') {
        if (seq % 4 === 0) map.withValue(`h:${k}`, (view) => check(view, k, 'in place'));
        else check(map.get(`h:${k}`), k, 'copy');
      } else {
        const value = makeValue(2_000_000 + k, id, seq, payloads[seq % payloads.length]);
        if (role === 'set') {
          map.set(`h:${k}`, value);
          writes++;
        } else {
          for (;;) {
            const current = map.get(`h:${k}`);
            check(current, k, 'cas read');
            if (map.compareAndSet(`h:${k}`, current, value)) break;
          }
          writes++;
        }
      }
    }
    map.close();
    return { bad, firstBad, reads, writes };
  },

  /** Attaches, writes one key and returns without closing: the exit hook must release its slot. */
  attachOnly({ key }) {
    const map = SharedMap.attach(handle);
    map.setString(key, `from thread ${threadId}`);
    return { threadId };
  },
};

parentPort.postMessage(workloads[mode](workerData));
