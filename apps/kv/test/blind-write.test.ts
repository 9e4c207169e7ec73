// A cross-core MSET (a blind write, CrossCore.blindWrite) over in-process owners: an owner that
// dies before granting its lock leaves no piece written anywhere (the client gets the error and
// every key keeps its old value), on two and three cores, whichever core coordinates.
import { describe, expect, it } from 'vitest';
import type { Session } from '../src/commands/context.js';
import { ErrorReply } from '../src/resp/reply.js';
import { CrossCore } from '../src/server/cross-core.js';
import { KeyGate } from '../src/server/key-gate.js';
import { LocalParticipant, type Participant, TxHost } from '../src/server/participant.js';
import { newSession } from '../src/server/session.js';
import { ShardDispatcher } from '../src/server/shard-dispatcher.js';
import { noServer } from './support/hooks.js';

interface Owner {
  readonly gate: KeyGate;
  readonly host: TxHost;
}

function owner(): Owner {
  const shard = new ShardDispatcher({ hooks: noServer });
  const gate = new KeyGate(shard);
  return { gate, host: new TxHost(gate, shard) };
}

async function send(o: Owner, s: Session, ...argv: string[]): Promise<unknown> {
  return await Promise.resolve(o.gate.dispatch(argv, s).reply);
}

/**
 * Core `core` as a participant that died: every request that would take a lock there fails
 * (as the runtime fails a request in flight to a restarted core) and changes nothing.
 */
function dead(o: Owner, core: number): Participant {
  const real = new LocalParticipant(o.host, () => {});
  const died = () => Promise.reject(new Error(`core ${core} was restarted while this request was in flight`));
  return {
    lock: () => died(),
    runWhole: () => died(),
    write: (...a) => real.write(...a),
    release: (...a) => real.release(...a),
    unpark: (...a) => real.unpark(...a),
    commit: (...a) => (o.gate.holds(a[0]) ? real.commit(...a) : died()),
  };
}

describe('a cross-core MSET whose owner dies before it locks', () => {
  for (const cores of [2, 3]) {
    for (let self = 0; self < cores; self++) {
      for (let gone = 0; gone < cores; gone++) {
        if (gone === self) continue;
        it(`--cores ${cores}, coordinator ${self}, core ${gone} dies: an error, and no key changed`, async () => {
          const owners = Array.from({ length: cores }, owner);
          const s = newSession('', '', false, 0);
          const keys = owners.map((_, c) => `k${c}`);
          for (const [c, k] of keys.entries()) await send(owners[c] as Owner, s, 'SET', k, `old${c}`);
          const participants = owners.map((o, c) => (c === gone ? dead(o, c) : new LocalParticipant(o.host, () => {})));
          const cross = new CrossCore({
            self,
            incarnation: 0,
            participants,
            owner: (k) => Number(k.slice(1)),
            hooks: noServer,
            maxBulkBytes: 512 * 1024 * 1024,
            maxPieceBytes: Number.POSITIVE_INFINITY,
            unwatchLocal: () => {},
          });
          const argv = ['MSET', ...keys.flatMap((k, c) => [k, `new${c}`])];
          const reply = await cross.run(argv, s);
          expect(reply).toBeInstanceOf(ErrorReply);
          expect((reply as ErrorReply).message).toMatch(new RegExp(`core ${gone} was restarted`));
          const after = await Promise.all(keys.map((k, c) => send(owners[c] as Owner, s, 'GET', k)));
          expect(after).toEqual(keys.map((_, c) => `old${c}`));
          // Every lock was released: nothing waits, nothing stays locked.
          for (const o of owners) expect(o.gate.stats).toEqual({ locked: 0, waiting: 0 });
        });
      }
    }
  }
});
