import { ROLE_GENERATION_ONE, ROLE_STATE_MASK, Role } from './layout.js';

/**
 * Role ownership: one word per role, the state in bits 0-1 and a claim generation above it
 * (layout.ts). A claim installs `generation + 1 | JS` and keeps that whole word as its token;
 * the side owns the role exactly while the word still equals its token. Releasing is one
 * compare-exchange of the token, so no check-then-act window exists: a role taken back
 * (`releaseRole()`) and claimed again meanwhile carries a newer generation, and the stale
 * token's exchange fails. (The same protocol in C++: `claim_role` / `release_role`, layout.h.)
 * The generation wraps after 2^30 claims; a stale token would have to survive exactly that
 * many claims of the same role to collide.
 */

/** The state (`Role`) of a role word. */
export function roleState(word: number): number {
  return word & ROLE_STATE_MASK;
}

/**
 * Claims the role at `index` for `state` if it is free or closed. Returns the token (the word
 * now in the ring), or -1 when a live side holds it (nothing written then).
 */
export function claimRole(words: Int32Array, index: number, state: number): number {
  for (;;) {
    const current = Atomics.load(words, index);
    const held = roleState(current);
    if (held === Role.JS || held === Role.NATIVE) return -1;
    const token = ((current & ~ROLE_STATE_MASK) + ROLE_GENERATION_ONE) | state;
    // seq-cst exchange: the claim is ordered before everything this side writes after it.
    if (Atomics.compareExchange(words, index, current, token) === current) return token;
    // Another claimant (or releaseRole) changed the word between the load and the exchange: look again.
  }
}

/** True while the role at `index` is still the one this `token` claimed. */
export function ownsRole(words: Int32Array, index: number, token: number): boolean {
  return Atomics.load(words, index) === token;
}

/**
 * Closes the role at `index` if it is still `token`'s, keeping the generation (the next claim
 * moves it on). Returns false when it had been taken away: the word is left alone then.
 */
export function releaseOwnRole(words: Int32Array, index: number, token: number): boolean {
  const closed = (token & ~ROLE_STATE_MASK) | Role.CLOSED;
  return Atomics.compareExchange(words, index, token, closed) === token;
}

/** Closes the role at `index` whoever holds it; returns the state it had. */
export function forceCloseRole(words: Int32Array, index: number): number {
  for (;;) {
    const current = Atomics.load(words, index);
    const closed = (current & ~ROLE_STATE_MASK) | Role.CLOSED;
    if (Atomics.compareExchange(words, index, current, closed) === current) return roleState(current);
  }
}
