// A connection's state, as the commands see it.
import type { Session } from '../commands/context.js';

let nextId = 1;
let idStep = 1;

/**
 * Core `core` of `cores` numbers its connections core+1, core+1+cores, …: CLIENT ID stays
 * unique across cores (each core is a thread with its own copy of this module).
 */
export function spreadSessionIds(core: number, cores: number): void {
  nextId = core + 1;
  idStep = cores;
}

/** A new session for a connection from `addr` to `laddr`; authenticated unless a password is required. */
export function newSession(addr: string, laddr: string, passwordRequired: boolean, now: number): Session {
  return {
    id: takeId(),
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

function takeId(): number {
  const id = nextId;
  nextId += idStep;
  return id;
}
