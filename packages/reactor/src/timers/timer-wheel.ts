/**
 * A hierarchical timer wheel (Varghese & Lauck; the shape of Linux's and Kafka's): LEVELS
 * levels of 64 slots, level `l` slot `s` covering `64^l` milliseconds. A timer due at `due`
 * sits at the lowest level whose rotation contains both `now` and `due`, in the slot of
 * `due`; when time enters that slot, its timers move down a level (cascade), and level 0 fires
 * them. Scheduling and cancelling are O(1); a turn with nothing due costs one comparison.
 *
 * ```
 * level 2  [ 0 | 1 | 2 | … | 63 ]   slots of 4096 ms  (rotation: 262 s)
 * level 1  [ 0 | 1 | 2 | … | 63 ]   slots of 64 ms    (rotation: 4.1 s)
 * level 0  [ 0 | 1 | 2 | … | 63 ]   slots of 1 ms     (rotation: 64 ms)
 *                    ▲ now
 * ```
 *
 * Time is an integer number of milliseconds (the caller's clock). Timers due at or before
 * `now` when scheduled are overdue: they fire at the next `advance()`, in scheduling order.
 * Timers fire in order of due time, ties in scheduling order. Timers beyond the horizon
 * (64^LEVELS ms, about 2.2 years) wait in a far list until they come within it.
 */
export const LEVELS = 6;
const SLOTS = 64;
const UNITS = Array.from({ length: LEVELS + 1 }, (_, l) => SLOTS ** l);
const HORIZON = UNITS[LEVELS] as number;

interface Entry<T> {
  id: number;
  due: number;
  value: T;
  cancelled: boolean;
}

export class TimerWheel<T> {
  #now: number;
  readonly #slots: Entry<T>[][];
  #overdue: Entry<T>[] = [];
  #far: Entry<T>[] = [];
  readonly #live = new Map<number, Entry<T>>();
  #nextId = 1;
  /** The earliest time at which a slot must be cascaded or fired (Infinity when none). */
  #nextEvent = Number.POSITIVE_INFINITY;

  constructor(nowMs: number) {
    this.#now = Math.floor(nowMs);
    this.#slots = Array.from({ length: LEVELS * SLOTS }, () => []);
  }

  /** The wheel's time: every timer due at or before it has fired. */
  get now(): number {
    return this.#now;
  }

  /** Timers scheduled and neither fired nor cancelled. */
  get size(): number {
    return this.#live.size;
  }

  /** Schedules `value` at `dueMs` (rounded up to a whole ms); returns its id. */
  schedule(dueMs: number, value: T): number {
    const entry: Entry<T> = { id: this.#nextId++, due: Math.ceil(dueMs), value, cancelled: false };
    this.#live.set(entry.id, entry);
    this.#place(entry);
    return entry.id;
  }

  /** Cancels a timer; false when it already fired or was cancelled. */
  cancel(id: number): boolean {
    const entry = this.#live.get(id);
    if (entry === undefined) return false;
    entry.cancelled = true; // removed from its slot lazily, when the slot is reached
    this.#live.delete(id);
    return true;
  }

  /**
   * The earliest time at which `advance()` has something to do (fire, or move timers down a
   * level); `Infinity` when no timer is scheduled. A loop may sleep until then.
   */
  nextEventAt(): number {
    if (this.#overdue.length > 0) return this.#now;
    return this.#live.size === 0 ? Number.POSITIVE_INFINITY : this.#nextEvent;
  }

  /** Moves time to `nowMs` (never backwards), calling `fire` for each timer due by then, in order. */
  advance(nowMs: number, fire: (value: T, id: number) => void): number {
    const to = Math.floor(nowMs);
    let fired = 0;
    if (this.#overdue.length > 0) {
      const overdue = this.#overdue;
      this.#overdue = [];
      for (const entry of overdue) fired += this.#fire(entry, fire);
    }
    while (this.#now < to) {
      if (this.#live.size === 0) {
        this.#clear();
        this.#now = to;
        break;
      }
      if (this.#nextEvent > to) {
        this.#now = to;
        break;
      }
      this.#now = this.#nextEvent;
      fired += this.#tick(fire);
      this.#nextEvent = this.#scanNextEvent();
    }
    return fired;
  }

  /** Drops the cancelled entries left in slots once no timer is live. */
  #clear(): void {
    if (this.#nextEvent === Number.POSITIVE_INFINITY) return;
    for (let i = 0; i < this.#slots.length; i++) if ((this.#slots[i] as Entry<T>[]).length > 0) this.#slots[i] = [];
    this.#far = [];
    this.#nextEvent = Number.POSITIVE_INFINITY;
  }

  #fire(entry: Entry<T>, fire: (value: T, id: number) => void): number {
    if (entry.cancelled) return 0;
    this.#live.delete(entry.id);
    fire(entry.value, entry.id);
    return 1;
  }

  /** Time `now` was just reached: cascade every level whose slot starts now, then fire level 0. */
  #tick(fire: (value: T, id: number) => void): number {
    const now = this.#now;
    if (now % HORIZON === 0 && this.#far.length > 0) {
      const far = this.#far;
      this.#far = [];
      for (const entry of far) if (!entry.cancelled) this.#place(entry, true);
    }
    for (let l = LEVELS - 1; l >= 1; l--) {
      const unit = UNITS[l] as number;
      if (now % unit !== 0) continue;
      const index = l * SLOTS + (Math.floor(now / unit) % SLOTS);
      const slot = this.#slots[index] as Entry<T>[];
      if (slot.length === 0) continue;
      this.#slots[index] = [];
      for (const entry of slot) if (!entry.cancelled) this.#place(entry, true);
    }
    const index = now % SLOTS;
    const slot = this.#slots[index] as Entry<T>[];
    if (slot.length === 0) return 0;
    this.#slots[index] = [];
    // Timers cascaded from above land after ones scheduled straight into level 0.
    if (slot.length > 1) slot.sort((a, b) => a.id - b.id);
    let fired = 0;
    for (const entry of slot) fired += this.#fire(entry, fire);
    return fired;
  }

  /** Puts `entry` where it waits; `cascading`: moved down at time `now`, whose level-0 slot fires next. */
  #place(entry: Entry<T>, cascading = false): void {
    const now = this.#now;
    const due = entry.due;
    if (due === now && cascading) {
      (this.#slots[now % SLOTS] as Entry<T>[]).push(entry);
      return;
    }
    if (due <= now) {
      this.#overdue.push(entry);
      return;
    }
    for (let l = 0; l < LEVELS; l++) {
      const rotation = UNITS[l + 1] as number;
      if (Math.floor(due / rotation) !== Math.floor(now / rotation)) continue;
      const unit = UNITS[l] as number;
      (this.#slots[l * SLOTS + (Math.floor(due / unit) % SLOTS)] as Entry<T>[]).push(entry);
      // The slot is reached when time enters it: `due` itself at level 0, the slot's start above.
      const at = Math.floor(due / unit) * unit;
      if (at < this.#nextEvent) this.#nextEvent = at;
      return;
    }
    this.#far.push(entry);
    const at = (Math.floor(now / HORIZON) + 1) * HORIZON;
    if (at < this.#nextEvent) this.#nextEvent = at;
  }

  /** The start of the first occupied slot after `now`, over every level. */
  #scanNextEvent(): number {
    const now = this.#now;
    let best = Number.POSITIVE_INFINITY;
    for (let l = 0; l < LEVELS; l++) {
      const unit = UNITS[l] as number;
      const rotation = UNITS[l + 1] as number;
      const base = Math.floor(now / rotation) * rotation;
      const current = Math.floor(now / unit) % SLOTS;
      for (let s = current + 1; s < SLOTS; s++) {
        if ((this.#slots[l * SLOTS + s] as Entry<T>[]).length > 0) {
          const at = base + s * unit;
          if (at < best) best = at;
          break;
        }
      }
    }
    if (this.#far.length > 0) best = Math.min(best, (Math.floor(now / HORIZON) + 1) * HORIZON);
    return best;
  }
}
