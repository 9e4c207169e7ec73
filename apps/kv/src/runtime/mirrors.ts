// The sessions other cores' connections have on this core: a mirror of each (its protocol,
// auth, watches, parked commands), by the sender's core and its session id. Looked up once per
// forwarded command: two number-keyed maps, no string key built per command.
import type { Session } from '../commands/context.js';
import { newSession } from '../server/session.js';

/** Mirrors of other cores' sessions, by core then session id. */
export class Mirrors {
  readonly #byCore = new Map<number, Map<number, Session>>();

  /** The mirror of session `sid` of core `from`, if it has one. */
  get(from: number, sid: number): Session | undefined {
    return this.#byCore.get(from)?.get(sid);
  }

  /** The mirror of session `sid` of core `from`, made on first use. */
  of(from: number, sid: number): Session {
    let sessions = this.#byCore.get(from);
    if (sessions === undefined) {
      sessions = new Map();
      this.#byCore.set(from, sessions);
    }
    let session = sessions.get(sid);
    if (session === undefined) {
      session = newSession(`core-${from}`, `core-${from}`, false, Date.now());
      sessions.set(sid, session);
    }
    return session;
  }

  /** Forgets the mirror of session `sid` of core `from`; the mirror, if there was one. */
  take(from: number, sid: number): Session | undefined {
    const sessions = this.#byCore.get(from);
    const session = sessions?.get(sid);
    if (session !== undefined) sessions?.delete(sid);
    return session;
  }
}
