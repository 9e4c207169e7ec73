import { Runtime } from '@corelane/reactor';

const runtime = await Runtime.start({ cores: 2, module: new URL('./cores/words.ts', import.meta.url) });
const lines = ['the quick brown fox', 'jumps over the lazy dog', 'the end'];
// Any core may read a line; each word is counted by its owner.
const words = await Promise.all(lines.map((text, i) => runtime.requestTo(i % runtime.size, { op: 'line', text })));
console.log(`${words.reduce((a, b) => (a as number) + (b as number), 0)} words`);
for (const word of ['the', 'fox', 'end']) {
  console.log(`${word}: ${await runtime.request(word, { op: 'get' })} (core ${runtime.owner(word)})`);
}
await runtime.stop();
