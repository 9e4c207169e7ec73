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
    return OK;
  }),
  // The engine runs EXEC itself (it needs to run other commands); this only answers outside MULTI.
  command('exec', { arity: 1 }, () => {
    throw errorOf('EXEC without MULTI');
  }),
];
