/**
 * Worker script of the lockfree suite (dist/workers/lockfree.js): one thread of a map workload.
 * It runs an op stream (src/suites/lockfree/workload.ts) against a @corelane/lockfree SharedMap,
 * against the mutex-guarded shared table, or as a client of a Map owned by another worker
 * (postMessage, per op or batched), or it is that owner. Every side counts its read hits and
 * checks the key each value carries. Driven by src/suites/lockfree/cases.ts.
 */
import type { MessagePort } from 'node:worker_threads';
import { SharedMap, type SharedMapHandle } from '@corelane/lockfree';
import { serve } from '../harness/worker-serve.js';
import { MutexMap } from '../suites/lockfree/mutex-map.js';
import { KEY_COUNT, keyOfValue, makeKeys, VALUE_BYTES, valueFor, WRITE } from '../suites/lockfree/workload.js';

const keys = makeKeys(KEY_COUNT);
let shared: SharedMap | null = null;
let mutex: MutexMap | null = null;

/** What every run answers: ops done, read hits, reads whose value named another key. */
interface Tally {
  ops: number;
  hits: number;
  wrong: number;
}

/** What both shared-memory maps offer the read-mostly workload. */
interface BytesMap {
  get(key: string): Uint8Array | undefined;
  set(key: string, value: Uint8Array): unknown;
}

/** Runs an op stream on `map` (the SharedMap or the mutex table, the same loop for both). */
function run(map: BytesMap, ops: Uint32Array): Tally {
  const value = new Uint8Array(VALUE_BYTES);
  let hits = 0;
  let wrong = 0;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as number;
    const k = op & ~WRITE;
    if (op & WRITE) {
      map.set(keys[k] as string, valueFor(k, i, value));
    } else {
      const got = map.get(keys[k] as string);
      if (got !== undefined) {
        hits++;
        if (keyOfValue(got) !== k) wrong++;
      }
    }
  }
  return { ops: ops.length, hits, wrong };
}

/** Hot counters: even ops add 1 to key `op % hot`, odd ops read it. */
function runCounters(ops: number, hot: number, kind: 'shared' | 'mutex'): { ops: number; increments: number } {
  let increments = 0;
  const scratch = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < ops; i++) {
    const key = keys[i % hot] as string;
    if ((i & 1) === 0) {
      if (kind === 'shared') (shared as SharedMap).addNumber(key, 1);
      else (mutex as MutexMap).add(key, 1, scratch);
      increments++;
    } else if (kind === 'shared') {
      (shared as SharedMap).getNumber(key);
    } else {
      (mutex as MutexMap).get(key);
    }
  }
  return { ops, increments };
}

/** The owner's Map, loaded once; every client port of this worker reaches the same one. */
let owned: Map<string, Uint8Array> | null = null;

/** The owner: a plain Map, answering requests on `port` until a `null` message. */
function own(port: MessagePort): Promise<number> {
  if (owned === null) {
    owned = new Map();
    for (let k = 0; k < KEY_COUNT; k++) owned.set(keys[k] as string, valueFor(k, 0));
  }
  const map = owned;
  let served = 0;
  return new Promise((resolve) => {
    port.on('message', (request: Uint32Array | null) => {
      if (request === null) {
        port.close();
        resolve(served);
        return;
      }
      // A request is ops (same encoding as the streams); the answer: the values read, in order.
      const answers: (Uint8Array | undefined)[] = [];
      for (let i = 0; i < request.length; i++) {
        const op = request[i] as number;
        const k = op & ~WRITE;
        if (op & WRITE) map.set(keys[k] as string, valueFor(k, i));
        else answers.push(map.get(keys[k] as string));
      }
      served += request.length;
      port.postMessage(answers);
    });
  });
}

/** A client of the owner: sends its ops `batch` at a time and waits for each answer. */
async function ask(port: MessagePort, ops: Uint32Array, batch: number): Promise<Tally> {
  let hits = 0;
  let wrong = 0;
  const answered = (): Promise<(Uint8Array | undefined)[]> =>
    new Promise((resolve) => port.once('message', (answers: (Uint8Array | undefined)[]) => resolve(answers)));
  for (let at = 0; at < ops.length; at += batch) {
    const request = ops.slice(at, at + batch);
    const reply = answered();
    port.postMessage(request);
    const answers = await reply;
    let a = 0;
    for (let i = 0; i < request.length; i++) {
      const op = request[i] as number;
      if (op & WRITE) continue;
      const got = answers[a++];
      if (got !== undefined) {
        hits++;
        if (keyOfValue(got) !== (op & ~WRITE)) wrong++;
      }
    }
  }
  port.postMessage(null);
  port.close();
  return { ops: ops.length, hits, wrong };
}

serve({
  attachShared({ handle }: { handle: SharedMapHandle }) {
    shared?.close();
    shared = SharedMap.attach(handle);
    return true;
  },
  attachMutex({ buffer }: { buffer: SharedArrayBuffer }) {
    mutex = new MutexMap(buffer);
    return true;
  },
  shared: ({ ops }: { ops: Uint32Array }) => run(shared as SharedMap, ops),
  mutex: ({ ops }: { ops: Uint32Array }) => run(mutex as MutexMap, ops),
  counters: ({ ops, hot, kind }: { ops: number; hot: number; kind: 'shared' | 'mutex' }) => runCounters(ops, hot, kind),
  own: ({ port }: { port: MessagePort }) => own(port),
  ask: ({ port, ops, batch }: { port: MessagePort; ops: Uint32Array; batch: number }) => ask(port, ops, batch),
  close() {
    shared?.close();
    shared = null;
    return true;
  },
});
