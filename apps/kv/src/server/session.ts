// A connection's state, as the commands see it.
import type { Session } from '../commands/context.js';

let nextId = 1;

/** A new session for a connection from `addr` to `laddr`; authenticated unless a password is required. */
export function newSession(addr: string, laddr: string, passwordRequired: boolean, now: number): Session {
  return {
    id: nextId++,
    name: null,
    protocol: 2,
    authenticated: !passwordRequired,
    closeAfterReply: false,
    addr,
    laddr,
    createdMs: now,
    lastCommand: 'NULL',
    lastCommandMs: now,
    multi: null,
    multiFailed: false,
    watched: new Map(),
    watchDirty: false,
  };
}
