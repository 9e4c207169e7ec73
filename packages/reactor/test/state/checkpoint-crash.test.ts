// A crash at every step of a checkpoint (a real SIGKILL from the test hook, in a child
// process), alternating the uring backends: reopening must give the state of every committed
// record, each applied once and in order, and the state must keep working and checkpointing.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CheckpointSteps } from '../../src/state/checkpoint-file.js';
import { DurableState } from '../../src/wal/index.js';
import { backendEnv, backends, LineChild, tempDir } from '../wal/helpers.js';
import { add, counterSpec, expectedCounter } from './counter-spec.js';

const script = fileURLToPath(new URL('./fixtures/checkpointer.mjs', import.meta.url));
const root = tempDir('corelane-state-');

describe('a crash at each step of a checkpoint', () => {
  it.each(CheckpointSteps.map((step, i) => [step, backends[i % 2] as (typeof backends)[number]] as const))(
    'after %s (%s): the state recovers whole',
    async (step, backend) => {
      const dir = join(root, step);
      const child = new LineChild(script, [dir, step], backendEnv(backend));
      const exit = await child.exited();
      expect(exit.signal, child.stderr).toBe('SIGKILL');
      expect(child.lines).toEqual(['committed 500']);

      const state = await DurableState.open(dir, counterSpec, {
        fsync: 'always',
        wal: { segmentSize: 64 * 1024, backend },
      });
      expect(state.state).toEqual(expectedCounter(500));
      expect(state.appliedSeq).toBe(500);
      // The checkpoint it died in counts only once it was renamed into place.
      const renamed = CheckpointSteps.indexOf(step) >= CheckpointSteps.indexOf('renamed');
      expect(state.checkpointSeq).toBe(renamed ? 500 : 200);
      await Promise.all(Array.from({ length: 50 }, (_, i) => state.commit(add(500 + i))));
      await state.checkpoint();
      await state.close();
      const again = await DurableState.open(dir, counterSpec, {
        fsync: 'always',
        wal: { segmentSize: 64 * 1024, backend },
      });
      expect(again.state).toEqual(expectedCounter(550));
      expect(again.checkpointSeq).toBe(550);
      expect(again.wal.segments).toBe(1);
      await again.close();
    },
  );
});
