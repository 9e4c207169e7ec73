import { defineCore } from '@corelane/reactor';

type Message = { op: 'add'; n: number } | { op: 'get' } | { op: 'ping' };

// Each core's own state: only the keys this core owns ever reach it.
const counts = new Map<string, number>();

export default defineCore({
  onMessage(ctx, key, value) {
    const message = value as Message;
    if (message.op === 'add') counts.set(String(key), (counts.get(String(key)) ?? 0) + message.n);
    else if (message.op === 'get') return counts.get(String(key)) ?? 0;
    else return `pong from core ${ctx.core}`;
  },
});
