// MULTI, EXEC, DISCARD (Redis's multi.c). Queueing happens in the engine, which sees every
// command first; EXEC runs the queue there too, all of it on one shard at one time.
import { OK } from '../resp/reply.js';
import type { ExecContext, Session } from './context.js';
import { errorOf } from './errors.js';
import { type CommandSpec, command } from './spec.js';

function session(c: ExecContext): Session {
  if (c.session === null) throw errorOf('this command needs a connection');
  return c.session;
}

export const transactionCommands: CommandSpec[] = [
  command('multi', { arity: 1 }, (c) => {
    const s = session(c);
    if (s.multi !== null) throw errorOf('MULTI calls can not be nested');
    s.multi = [];
    s.multiFailed = false;
    return OK;
  }),
  command('discard', { arity: 1 }, (c) => {
    const s = session(c);
    if (s.multi === null) throw errorOf('DISCARD without MULTI');
    s.multi = null;
    s.multiFailed = false;
    c.watches.unwatchAll(s);
    return OK;
  }),
  command('watch', { arity: -2, keys: [1, -1, 1] }, (c, argv) => {
    const s = session(c);
    if (s.multi !== null) throw errorOf('WATCH inside MULTI is not allowed');
    for (let i = 1; i < argv.length; i++) {
      const key = argv[i] as string;
      c.watches.watch(s, key, c.db.data.has(key) && c.db.isExpired(key, c.now));
    }
    return OK;
  }),
  command('unwatch', { arity: 1 }, (c) => {
    c.watches.unwatchAll(session(c));
    return OK;
  }),
  // The engine runs EXEC itself (it needs to run other commands); this only answers outside MULTI.
  command('exec', { arity: 1 }, () => {
    throw errorOf('EXEC without MULTI');
  }),
];
