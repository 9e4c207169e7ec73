import { availableCpus, capabilities, planPlacement } from '@corelane/affinity';
import type { CaseRun, Unavailable } from '../../harness/suite.js';
import { unavailable } from '../../harness/suite.js';
import { PostMessagePair } from '../../peers/postmessage.js';

/**
 * Starts two PostMessagePairs for a pinned-vs-unpinned case: `pinned` on the two CPUs that
 * `planPlacement(2)` chooses, `unpinned` left to the scheduler. Unavailable with fewer than two
 * CPUs or without pinning.
 */
export async function pinnedAndUnpinned(
  measure: (pair: PostMessagePair) => Promise<number>,
): Promise<CaseRun | Unavailable> {
  const pin = capabilities().pinThread;
  if (!pin.supported) return unavailable(`pinThread() is not available here: ${pin.reason}`);
  if (availableCpus().length < 2) {
    return unavailable(`only ${availableCpus().length} CPU available: pinned and unpinned would be the same`);
  }
  let cpus: number[];
  try {
    cpus = planPlacement(2);
  } catch (error) {
    return unavailable(`planPlacement(2) found no two CPUs: ${error instanceof Error ? error.message : error}`);
  }
  const [first, second] = cpus as [number, number];
  let pinned: PostMessagePair | undefined;
  let unpinned: PostMessagePair | undefined;
  try {
    pinned = await PostMessagePair.start({ cpus: [first, second] });
    unpinned = await PostMessagePair.start({ cpus: null });
    // Threads inherit the affinity of the thread that creates them: make sure the peer is really unpinned.
    const all = availableCpus().length;
    for (const p of unpinned.placement) {
      if (p.affinity.length !== all) throw new Error(`unpinned worker may run on ${p.affinity.length} of ${all} CPUs`);
    }
  } catch (error) {
    await Promise.allSettled([pinned?.close(), unpinned?.close()]);
    throw error;
  }
  const a = pinned;
  const b = unpinned;
  return {
    ours: () => measure(a),
    peer: () => measure(b),
    teardown: async () => {
      await Promise.allSettled([a.close(), b.close()]);
    },
  };
}
