import { allocateByteRing } from '@corelane/spsc';

/**
 * Endpoints of a runtime of `n` cores: the cores are 0..n-1 and the main thread is `n`.
 * Between every ordered pair of distinct endpoints there is one SPSC byte ring (the main thread
 * never sends to itself, and a core's sends to itself never touch a ring), so every ring has
 * exactly one producer and one consumer and none needs a compare-and-swap.
 *
 * ```
 *            to:  core 0   core 1   …   main
 *   from core 0     —      r[0][1]      r[0][n]
 *   from core 1  r[1][0]     —          r[1][n]
 *   from main    r[n][0]  r[n][1]         —
 * ```
 *
 * `rings[from * (n + 1) + to]` holds the ring from `from` to `to` (`null` on the diagonal).
 */
export function ringIndex(from: number, to: number, cores: number): number {
  return from * (cores + 1) + to;
}

/** Allocates every ring of the mesh, each of `capacity` bytes. */
export function allocateMesh(cores: number, capacity: number): (SharedArrayBuffer | null)[] {
  const endpoints = cores + 1;
  const rings: (SharedArrayBuffer | null)[] = [];
  for (let from = 0; from < endpoints; from++) {
    for (let to = 0; to < endpoints; to++) rings.push(from === to ? null : allocateByteRing({ capacity }));
  }
  return rings;
}

/**
 * The control block: one slot per endpoint (cores, then the main thread), each a multiple of 128
 * bytes, so no two endpoints' words share a cache line (or an adjacent-line prefetch pair).
 * Int32 words first, then Float64 counters.
 *
 * ```
 * slot byte 0    ┌──────────────────────────────────────────────────────────┐
 *                │ PARKED @0      1 while the endpoint announced it parks    │
 *                │ BELL @4        bumped (+ notify) by producers that saw    │
 *                │                PARKED; the parked endpoint waits on it    │
 *                │ HEARTBEAT @8   bumped by the core once per loop turn      │
 *                │ HANDLING_RING @12  inbound ring being drained, -1 none    │
 *                │ HANDLED @16    records of that ring handed out in this    │
 *                │                read() (counted before the handler runs)   │
 *                │ HOLD @20       1 while a 'block' core stopped taking from │
 *                │                the main thread (its overflow is full)     │
 *                │ HANDLING_HEAD @24  that ring's consumed position (head)   │
 *                │                when the read() began                      │
 *                │ IDLE @28       1 when the last loop pass found nothing    │
 *                │ CPU @32        main thread's slot: the CPU it runs on     │
 *                │                while it spins for replies (-1 otherwise)  │
 * slot byte 64   ├──────────────────────────────────────────────────────────┤
 *                │ Float64 counters (Counter.*), written by the core once    │
 *                │ per turn with plain stores and read by stats() on the     │
 *                │ main thread: a sample, never used for synchronisation     │
 *                └──────────────────────────────────────────────────────────┘
 * ```
 */
export const COUNTERS_OFFSET = 64;

/** Int32 word offsets inside a slot (byte offset / 4). */
export const ControlWord = {
  PARKED: 0,
  BELL: 1,
  HEARTBEAT: 2,
  HANDLING_RING: 3,
  HANDLED: 4,
  HOLD: 5,
  HANDLING_HEAD: 6,
  IDLE: 7,
  CPU: 8,
} as const;

/** Float64 counters of a core, by index. */
export const Counter = {
  MESSAGES_IN: 0,
  MESSAGES_OUT: 1,
  REQUESTS: 2,
  BUSY_MS: 3,
  IDLE_MS: 4,
  PARKS: 5,
  WAKEUPS: 6,
  RING_BYTES: 7,
  OVERFLOW: 8,
  OVERFLOW_MAX: 9,
  DROPPED: 10,
  TIMERS: 11,
  TIMERS_FIRED: 12,
  LOOP_LAG_MS: 13,
  HANDLER_ERRORS: 14,
  TURNS: 15,
  /** Async handlers still running, local messages not yet handled, records in overflow queues. */
  BACKLOG: 16,
} as const;

/** Counters per slot. */
export const COUNTERS = 17;

/** The most cores one runtime runs (the mesh has (n + 1) * n rings). */
export const MAX_CORES = 256;

/** Bytes of one endpoint's slot: words and counters, rounded up to 128 (no false sharing). */
export const SLOT_BYTES = Math.ceil((COUNTERS_OFFSET + COUNTERS * 8) / 128) * 128;

/** Allocates the control block of `cores` cores and the main thread. */
export function allocateControl(cores: number): SharedArrayBuffer {
  return new SharedArrayBuffer((cores + 1) * SLOT_BYTES);
}

/** The Int32 words of endpoint `e`'s slot. */
export function controlWords(control: SharedArrayBuffer, e: number): Int32Array {
  return new Int32Array(control, e * SLOT_BYTES, COUNTERS_OFFSET / 4);
}

/** The Float64 counters of endpoint `e`'s slot. */
export function controlCounters(control: SharedArrayBuffer, e: number): Float64Array {
  return new Float64Array(control, e * SLOT_BYTES + COUNTERS_OFFSET, COUNTERS);
}

/** Byte offsets of the producer's (tail) and consumer's (head) positions in an spsc ring (layout version 1). */
export const RING_TAIL_BYTE = 128;
export const RING_HEAD_BYTE = 256;

/** The word of an spsc ring that holds its consumed position (head). */
export function ringHeadWord(ring: SharedArrayBuffer): Int32Array {
  return new Int32Array(ring, RING_HEAD_BYTE, 1);
}

/** The consumed position of an spsc ring, read without attaching to it. */
export function ringHead(ring: SharedArrayBuffer): number {
  return Atomics.load(ringHeadWord(ring), 0);
}

/** True when an spsc ring holds no published record (read without attaching to it). */
export function ringEmpty(ring: SharedArrayBuffer): boolean {
  const words = new Int32Array(ring, 0, RING_HEAD_BYTE / 4 + 1);
  return Atomics.load(words, RING_TAIL_BYTE / 4) === Atomics.load(words, RING_HEAD_BYTE / 4);
}
