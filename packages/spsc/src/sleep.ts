import { atomicsWaitAsync } from '@corelane/shared';
import { Role, Sleeper, Word } from './layout.js';
import { futex, type SpscAddon } from './native.js';
import { roleState } from './role.js';

/**
 * The sleep protocol of one side: how it sleeps until its peer changes something, and how it
 * wakes the peer. The C++ twin keeps the same protocol (native/include/corelane/spsc/wait.h).
 *
 * Words (layout.ts): each side has a *sleeping* word (`Sleeper` bits, written only by that side)
 * and a *wake* word (the word it sleeps on, bumped by anything it must see). Both belong to the
 * role: a closed side whose wait is still pending writes the sleeping word no more (`detach`).
 *
 * Sleeper, per sleep:
 *   S1 store sleeping = its bits        (seq-cst)
 *   S2 seen = load wake                 (seq-cst)
 *   S3 check: ready()? peer closed? own close?   (seq-cst loads of the index / role words)
 *   S4 wait while wake === seen          (Atomics.wait / futex: compare-and-sleep is atomic
 *                                         with respect to the matching notify / FUTEX_WAKE)
 * Waker, for a publish:
 *   P1 store the index                  (seq-cst)
 *   P2 load the peer's sleeping word    (seq-cst); when non-zero:
 *   P3 add 1 to the peer's wake word, then notify it the way its bits say
 * Waker, for a close (and releaseRole(), and a collected side): the role word's exchange, then
 *   P2 and P3 always (the add even when nobody sleeps).
 *
 * Proof obligation (no lost wake-up): all of the above is sequentially consistent, so take the
 * single order. If S3 misses the change, S3 precedes P1 (or the role exchange), hence S1 precedes
 * P2: the waker sees the bits and does P3 after S2. Then either P3's add precedes S4's compare
 * (S4 returns at once: wake !== seen) or S4 is already asleep when P3's notify comes. If P2 sees
 * zero, S1 follows P2, so S3 follows P1 and sees the change. Every state change a sleeper must
 * see therefore moves the word it sleeps on, or is seen by its check: a close can no longer land
 * unnoticed between the check and the sleep (the version 1 bug: sleepers compared the index,
 * which a close leaves unchanged).
 *
 * The mechanism: a JS peer is woken by `Atomics.notify`, which reaches only V8's own waiters; a
 * native peer wakes with `futex(FUTEX_WAKE)`, which reaches only futex sleepers. So a side whose
 * peer is JS sleeps in `Atomics.wait`/`waitAsync`, any other side in futex(2) through the addon
 * (sync: the call blocks; async: a native thread blocks and resolves on this event loop). A peer
 * changing from JS to native always passes through a close (a wake), so the choice, made per
 * sleep, is never stale while asleep. Without the addon a side whose peer is native polls in
 * `POLL_SLICE_MS` slices.
 *
 * Stop, then ready (S3'): when stop() holds (the peer closed), ready() is asked once more. A
 * closing side publishes what it wrote (P1) before its role exchange, both seq-cst: a stop() that
 * sees the exchange is followed by a ready() that sees the publish. Without that second look, a
 * ready() just before the publish and a stop() just after the exchange would report "closed and
 * empty" with the peer's last records in the ring (seen: a router consumer left 45 of 40,000).
 *
 * Naps (`napMs`, sync waits only): before S1, the side may sleep in short timed waits that it
 * announces to nobody, re-checking ready() and stop() after each (N1 below). Nothing here needs
 * a wake: each nap ends by its own timeout, so no wake-up can be lost; a nap only delays seeing
 * a change by at most its length. The peer, seeing no sleeping bits (P2), pays no P3: that is
 * the point. Once the nap budget is spent the side sleeps by S1-S4, whose proof stands as is.
 *   N1 repeat until napMs has passed (or the wait's deadline):
 *        seen = load wake (seq-cst); wait while wake === seen, at most NAP_SLICE_MS;
 *        ready()? → true; stop()? → ready()        (the same seq-cst checks as S3, S3')
 *      The nap waits on the side's own wake word, so a close or role change that bumped it just
 *      before ends the nap at once (with no bits set the bump comes without a notify: the nap
 *      then ends by its timeout, and the re-check sees the change).
 */

/** The longest sleep of a side whose peer cannot wake it (a native peer, no addon here). */
const POLL_SLICE_MS = 1;

/**
 * One nap's timeout. The kernel rounds a timed wait up by the thread's timer slack (50 µs by
 * default), so a nap lasts about 50-100 µs whatever is asked below that: ask for the least.
 */
const NAP_SLICE_MS = 0.001;

/** Bumps the wake word at `wakeWord` and wakes its sleepers the way `sleeping` (`Sleeper` bits) says. */
export function wake(words: Int32Array, wakeWord: number, sleeping: number): void {
  Atomics.add(words, wakeWord, 1);
  if ((sleeping & Sleeper.ATOMICS) !== 0) Atomics.notify(words, wakeWord);
  if ((sleeping & Sleeper.FUTEX) !== 0) futex?.futexWake(words, wakeWord);
}

/** Wakes whoever sleeps on the side whose sleeping and wake words are given: for a close. */
export function wakeSide(words: Int32Array, sleepWord: number, wakeWord: number): void {
  // P3 of a close. The role exchange came first, so either order of this load and the add is
  // safe: a sleeper whose S3 missed the close did S1 before this load, and S2 before the add.
  wake(words, wakeWord, Atomics.load(words, sleepWord));
}

/** The sleeping / wake words of the producer, or of the consumer. */
export function sleepWordsOf(producer: boolean): { sleep: number; wake: number } {
  return producer
    ? { sleep: Word.PRODUCER_SLEEPING, wake: Word.PRODUCER_WAKE }
    : { sleep: Word.CONSUMER_SLEEPING, wake: Word.CONSUMER_WAKE };
}

/** Sleeps of one side: S1-S4 above, with a count of this side's own sleepers per mechanism. */
export class SleepProtocol {
  readonly #words: Int32Array;
  readonly #sleepWord: number;
  readonly #wakeWord: number;
  readonly #peerRoleWord: number;
  /** Pending sleeps of this side (several async waits may be pending), per mechanism. */
  #atomics = 0;
  #futex = 0;
  /** The side closed: its sleeps no longer write the sleeping word, which the role's next holder owns. */
  #detached = false;
  /** How long a sync wait naps (N1) before it announces its sleep. */
  readonly #napMs: number;

  constructor(words: Int32Array, producer: boolean, peerRoleWord: number, napMs = 0) {
    const own = sleepWordsOf(producer);
    this.#napMs = napMs;
    this.#words = words;
    this.#sleepWord = own.sleep;
    this.#wakeWord = own.wake;
    this.#peerRoleWord = peerRoleWord;
  }

  /**
   * This side's `close()`, before it releases its role. The sleeping word belongs to the role,
   * not to a side: a wait of this side still pending ends some tasks later, and by then another
   * side may hold the role and have announced its own sleep there; writing this side's (empty)
   * bits then would erase that announcement, and the peer's next publish would wake nobody (a
   * lost wake-up). So from now on this side's sleeps leave the word alone, and `owned` (the role
   * is still this side's) clears the word now, so no stale bit costs the peer a wake per publish.
   */
  detach(owned: boolean): void {
    this.#detached = true;
    if (owned) Atomics.store(this.#words, this.#sleepWord, 0);
  }

  /** Wakes this side's own pending waits (its `close()`), so they see it closed. */
  wakeOwn(): void {
    wake(this.#words, this.#wakeWord, this.#bits());
  }

  #bits(): number {
    return (this.#atomics > 0 ? Sleeper.ATOMICS : 0) | (this.#futex > 0 ? Sleeper.FUTEX : 0);
  }

  /** The mechanism of the next sleep: futex unless the peer is JS (see above). */
  #mechanism(): number {
    const peer = roleState(Atomics.load(this.#words, this.#peerRoleWord));
    return peer !== Role.JS && futex !== null ? Sleeper.FUTEX : Sleeper.ATOMICS;
  }

  /** S1: count the sleep and store the bits (seq-cst) before the wake word is read. */
  #enter(mechanism: number): void {
    if (mechanism === Sleeper.FUTEX) this.#futex++;
    else this.#atomics++;
    this.#announce();
  }

  #leave(mechanism: number): void {
    if (mechanism === Sleeper.FUTEX) this.#futex--;
    else this.#atomics--;
    this.#announce();
  }

  /** Stores this side's bits in its sleeping word (seq-cst), unless it closed (see `detach`). */
  #announce(): void {
    if (!this.#detached) Atomics.store(this.#words, this.#sleepWord, this.#bits());
  }

  #sliceMs(mechanism: number, remaining: number): number {
    if (mechanism === Sleeper.FUTEX) return remaining;
    const peer = roleState(Atomics.load(this.#words, this.#peerRoleWord));
    return peer === Role.NATIVE ? Math.min(remaining, POLL_SLICE_MS) : remaining;
  }

  /**
   * S1-S3 of one sleep. Returns the verdict (true: ready, false: stopped or timed out) when no
   * sleep is needed, the sleep already left then; else what to sleep on, and the caller sleeps
   * (S4) and then calls `#leave(plan.mechanism)`.
   */
  #begin(ready: () => boolean, stop: () => boolean, deadline: number): boolean | SleepPlan {
    const mechanism = this.#mechanism();
    this.#enter(mechanism); // S1
    let verdict = false;
    try {
      const seen = Atomics.load(this.#words, this.#wakeWord); // S2
      if (ready())
        verdict = true; // S3
      else if (stop())
        verdict = ready(); // S3': the peer's last publish (see "Stop, then ready" above)
      else {
        const remaining = deadline - performance.now();
        if (remaining > 0) return { mechanism, seen, sliceMs: this.#sliceMs(mechanism, remaining) };
      }
    } catch (error) {
      this.#leave(mechanism);
      throw error;
    }
    this.#leave(mechanism);
    return verdict;
  }

  /**
   * Blocks until `ready()` (true), or `stop()` or the timeout (false). `ready` and `stop` must
   * read shared memory (S3); `timeoutMs` may be Infinity.
   */
  sleepSync(ready: () => boolean, stop: () => boolean, timeoutMs: number): boolean {
    const deadline = performance.now() + timeoutMs;
    if (this.#napMs > 0) {
      const verdict = this.#nap(ready, stop, Math.min(deadline, performance.now() + this.#napMs));
      if (verdict !== undefined) return verdict;
    }
    for (;;) {
      const plan = this.#begin(ready, stop, deadline);
      if (typeof plan === 'boolean') return plan;
      try {
        // S4
        if (plan.mechanism === Sleeper.FUTEX) {
          (futex as SpscAddon).futexWait(this.#words, this.#wakeWord, plan.seen, toFutexMs(plan.sliceMs));
        } else {
          Atomics.wait(this.#words, this.#wakeWord, plan.seen, plan.sliceMs);
        }
      } finally {
        this.#leave(plan.mechanism);
      }
    }
  }

  /**
   * N1: naps until `until` (ms, performance.now()), unannounced. Returns the verdict as soon as
   * ready() or stop() holds, or undefined when the naps ran out (then sleep by S1-S4).
   */
  #nap(ready: () => boolean, stop: () => boolean, until: number): boolean | undefined {
    const words = this.#words;
    const wakeWord = this.#wakeWord;
    while (performance.now() < until) {
      Atomics.wait(words, wakeWord, Atomics.load(words, wakeWord), NAP_SLICE_MS);
      if (ready()) return true;
      if (stop()) return ready(); // S3', as in #begin
    }
    return undefined;
  }

  /** `sleepSync` without blocking the thread: the event loop keeps running. */
  async sleepAsync(ready: () => boolean, stop: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    // A pending Atomics.waitAsync does not keep Node's event loop alive; this timer does.
    const keepAlive = setInterval(() => {}, 2 ** 30);
    try {
      for (;;) {
        const plan = this.#begin(ready, stop, deadline);
        if (typeof plan === 'boolean') return plan;
        try {
          // S4
          if (plan.mechanism === Sleeper.FUTEX) {
            const { seen, sliceMs } = plan;
            await new Promise<number>((resolve) =>
              (futex as SpscAddon).futexWaitAsync(this.#words, this.#wakeWord, seen, toFutexMs(sliceMs), resolve),
            );
          } else {
            const result = atomicsWaitAsync(this.#words, this.#wakeWord, plan.seen, plan.sliceMs);
            if (result.async) await result.value;
          }
        } finally {
          this.#leave(plan.mechanism);
        }
      }
    } finally {
      clearInterval(keepAlive);
    }
  }
}

/** What one sleep waits on: the mechanism, the wake word's value at S2, and for how long. */
interface SleepPlan {
  mechanism: number;
  seen: number;
  sliceMs: number;
}

/** A timeout for the addon: whole ms, rounded up; -1 for none. */
function toFutexMs(ms: number): number {
  return ms === Number.POSITIVE_INFINITY ? -1 : Math.min(2 ** 31 - 1, Math.ceil(ms));
}
