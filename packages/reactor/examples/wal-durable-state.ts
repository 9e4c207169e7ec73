import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DurableState } from '@corelane/reactor/wal';

// A deterministic reducer: apply() is the only way the state changes.
const counters = {
  init: () => new Map<string, number>(),
  apply: (state: Map<string, number>, record: { key: string; by: number }) => {
    state.set(record.key, (state.get(record.key) ?? 0) + record.by);
  },
  snapshot: (state: Map<string, number>) => Buffer.from(JSON.stringify([...state])),
  restore: (bytes: Uint8Array) => new Map<string, number>(JSON.parse(Buffer.from(bytes).toString())),
};

const dir = mkdtempSync(join(tmpdir(), 'state-'));
const state = await DurableState.open(dir, counters, { fsync: 'always', checkpointEvery: { records: 1000 } });
await Promise.all([state.commit({ key: 'a', by: 1 }), state.commit({ key: 'b', by: 2 })]); // one group commit
await state.checkpoint(); // snapshot file, fsync, rename, fsync dir, then the log before it goes
await state.commit({ key: 'a', by: 10 });
await state.close();

const again = await DurableState.open(dir, counters, { fsync: 'always' }); // checkpoint + the log after it
console.log(`a=${again.state.get('a')} b=${again.state.get('b')} after seq ${again.appliedSeq}`);
await again.close();
