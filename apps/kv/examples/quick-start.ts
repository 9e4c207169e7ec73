import { startServer } from '@corelane/kv';
import Redis from 'ioredis';

const server = await startServer({ port: 0 }); // 0: any free port
const redis = new Redis(server.port, '127.0.0.1');
await redis.set('greeting', 'hello', 'EX', 60);
await redis.rpush('queue', 'a', 'b');
console.log(await redis.get('greeting'), await redis.ttl('greeting'), await redis.lrange('queue', 0, -1));
redis.disconnect();
await server.close();
