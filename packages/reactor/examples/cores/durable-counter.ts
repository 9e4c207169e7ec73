import { defineCore } from '@corelane/reactor';

type Add = { key: string; n: number };
type Message = { op: 'add'; n: number } | { op: 'get' };

// Each core's counts live in its own WAL and checkpoints under <dataDir>/core-<i>.
export default defineCore<Map<string, number>, Add>({
  state: {
    init: () => new Map(),
    apply(counts, { key, n }) {
      counts.set(key, (counts.get(key) ?? 0) + n); // deterministic: recovery replays the same records
    },
    snapshot: (counts) => new TextEncoder().encode(JSON.stringify([...counts])),
    restore: (bytes) => new Map(JSON.parse(new TextDecoder().decode(bytes))),
  },
  async onMessage(ctx, key, value) {
    const message = value as Message;
    if (message.op === 'add') {
      // Resolves once the record is durable (group commit) and applied: only then reply.
      await ctx.commit({ key: String(key), n: message.n });
    }
    return ctx.state.get(String(key)) ?? 0;
  },
});
