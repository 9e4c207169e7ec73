import { Runtime } from '@corelane/reactor';

const runtime = await Runtime.start({ cores: 2, module: new URL('./cores/counter.ts', import.meta.url) });
runtime.send('user:42', { op: 'add', n: 1 }); // to the core that owns the key
runtime.send('user:42', { op: 'add', n: 2 });
const total = await runtime.request('user:42', { op: 'get' });
console.log(`user:42 = ${total}, on core ${runtime.owner('user:42')} of ${runtime.size}`);
console.log(await runtime.broadcast({ op: 'ping' }));
await runtime.stop();
