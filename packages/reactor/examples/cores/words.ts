import { defineCore } from '@corelane/reactor';

type Message = { op: 'line'; text: string } | { op: 'word' } | { op: 'get' } | { op: 'crash' };

// Word counts, partitioned by word: each core holds the counts of the words it owns.
const counts = new Map<string, number>();

export default defineCore({
  async onMessage(ctx, key, value) {
    const message = value as Message;
    switch (message.op) {
      case 'line': {
        // Each word goes to the core that owns it, through the mesh; the reply waits for all.
        const words = message.text.split(' ');
        await Promise.all(words.map((word) => ctx.request(word, { op: 'word' })));
        return words.length;
      }
      case 'word':
        counts.set(String(key), (counts.get(String(key)) ?? 0) + 1);
        return undefined;
      case 'get':
        return counts.get(String(key)) ?? 0;
      case 'crash':
        setTimeout(() => process.exit(1)); // this core dies outside any handler
        return 'bye';
    }
  },
});
