// Errors are Redis 7.0's, word for word: clients that match on them keep working.
import { startServer } from '@corelane/kv';
import Redis from 'ioredis';

const server = await startServer({ port: 0 });
const redis = new Redis(server.port, '127.0.0.1');
await redis.set('name', 'ada');
for (const attempt of [() => redis.lpush('name', 'x'), () => redis.incr('name'), () => redis.call('nosuch', 'x')]) {
  await attempt().catch((e: Error) => console.log(e.message));
}
redis.disconnect();
await server.close();
