import { Runtime } from '@corelane/reactor';

const runtime = await Runtime.start({
  cores: 2,
  module: new URL('./cores/words.ts', import.meta.url),
  restart: { max: 3, windowMs: 60_000 }, // past 3 deaths a minute, the runtime fails loudly
});
runtime.on('restart', ({ core, cpu, restarts, reason }) => {
  console.log(`core ${core} restarted on CPU ${cpu} (${restarts}x): ${reason}`);
});
const restarted = new Promise((resolve) => runtime.once('restart', resolve));
await runtime.requestTo(1, { op: 'crash' });
await restarted;
await runtime.requestTo(0, { op: 'line', text: 'one two three four' });

const { cores, main } = runtime.stats();
console.table(
  cores.map((c) => ({
    core: c.core,
    cpu: c.cpu,
    restarts: c.restarts,
    in: c.messagesIn,
    out: c.messagesOut,
    util: `${(c.utilization * 100).toFixed(1)}%`,
    parks: c.parks,
  })),
);
console.log(`requests: ${main.latency.count}, p50 ${main.latency.p50Ms} ms, p99 ${main.latency.p99Ms} ms`);
await runtime.stop();
