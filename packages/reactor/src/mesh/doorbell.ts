import { atomicsWaitAsync } from '@corelane/shared';
import { ControlWord } from './layout.js';

/**
 * Of a spin that may sleep (`parkSync()`: a `'hybrid'` core's idle spin, the main thread's
 * `replySpinMs`), the part spent polling first: an answer that comes within it costs no
 * syscall; past it, the rest of the spin sleeps on the doorbell and leaves the CPU to others.
 */
export const POLL_BEFORE_SLEEP_MS = 0.01;

/**
 * The doorbell of one endpoint: the words PARKED and BELL of its control slot.
 *
 * Park (the owner):  `bell = load(BELL)` → `store(PARKED, 1)` → re-check every inbound ring
 * → `waitAsync(BELL, bell)` → `store(PARKED, 0)`.
 * Ring (a producer): publish the ring's tail (a seq-cst store) → `load(PARKED)` → only when 1:
 * `add(BELL, 1)` + `notify(BELL)`.
 *
 * Proof obligation (no lost wake-up): all four accesses are sequentially consistent. If the
 * owner's re-check missed the producer's tail, the producer's tail store comes after the
 * owner's re-check in the total order, so the producer's PARKED load comes after the owner's
 * `store(PARKED, 1)` and sees 1: it bumps BELL after the owner read `bell`, and `waitAsync`
 * either sees a changed value and returns at once or is woken by the notify. A producer that
 * sees PARKED 0 notifies nobody: no notify per message while the owner runs.
 */
export class Doorbell {
  readonly #words: Int32Array;

  constructor(words: Int32Array) {
    this.#words = words;
  }

  /** True while the owner announced it parks (a sample). */
  get parked(): boolean {
    return Atomics.load(this.#words, ControlWord.PARKED) !== 0;
  }

  /** Producer side: call after publishing; wakes the owner only when it announced parking. */
  ring(): void {
    if (Atomics.load(this.#words, ControlWord.PARKED) !== 0) {
      Atomics.add(this.#words, ControlWord.BELL, 1);
      Atomics.notify(this.#words, ControlWord.BELL);
    }
  }

  /** Wakes the owner whether or not it parks (control messages, shutdown). */
  ringAlways(): void {
    Atomics.add(this.#words, ControlWord.BELL, 1);
    Atomics.notify(this.#words, ControlWord.BELL);
  }

  /**
   * Owner side: announces parking, calls `hasWork()` (which must re-read the rings' shared
   * indices), and returns null when there is work (parking was cancelled), or a promise that
   * settles when a producer rings or `timeoutMs` passes. Call `unpark()` once it settles.
   */
  park(hasWork: () => boolean, timeoutMs: number): Promise<unknown> | null {
    const bell = Atomics.load(this.#words, ControlWord.BELL);
    Atomics.store(this.#words, ControlWord.PARKED, 1);
    if (hasWork()) {
      Atomics.store(this.#words, ControlWord.PARKED, 0);
      return null;
    }
    const result = atomicsWaitAsync(this.#words, ControlWord.BELL, bell, timeoutMs);
    return result.async ? result.value : Promise.resolve(result.value);
  }

  /**
   * Owner side: the same handshake as `park()`, but blocking this thread (`Atomics.wait`, a
   * futex) for at most `timeoutMs`: a producer's notify wakes it without an event-loop turn,
   * and while it sleeps its CPU is free for the producer. Returns once rung, timed out, or
   * `hasWork()` held already; the park is over on return.
   */
  parkSync(hasWork: () => boolean, timeoutMs: number): void {
    // An async park of this owner may still be pending (the main thread arms one per batch of
    // requests): it needs PARKED to stay 1, or no producer would notify it again.
    const parked = Atomics.load(this.#words, ControlWord.PARKED);
    const bell = Atomics.load(this.#words, ControlWord.BELL);
    Atomics.store(this.#words, ControlWord.PARKED, 1);
    if (!hasWork()) Atomics.wait(this.#words, ControlWord.BELL, bell, timeoutMs);
    if (parked === 0) Atomics.store(this.#words, ControlWord.PARKED, 0);
  }

  /** Owner side: the park is over (producers stop notifying). */
  unpark(): void {
    Atomics.store(this.#words, ControlWord.PARKED, 0);
  }
}
