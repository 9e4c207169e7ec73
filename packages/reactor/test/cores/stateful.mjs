// A core with durable state: needs dataDir, and the state module (issue 11) to be wired.
import { defineCore } from '../../dist/index.js';

export default defineCore({
  state: {
    init: () => ({ n: 0 }),
    apply: (state, record) => ({ n: state.n + record }),
    snapshot: (state) => new TextEncoder().encode(JSON.stringify(state)),
    restore: (bytes) => JSON.parse(new TextDecoder().decode(bytes)),
  },
  async onMessage(ctx, _key, value) {
    await ctx.commit(value);
    return ctx.state.n;
  },
});
