// Values are bytes: get() copies them out, withValue() reads them in place while the thread is
// pinned, compareAndSet() swaps them only if they are still what you saw.
import { SharedMap } from '@corelane/lockfree';

const map = SharedMap.create();
const config = new TextEncoder().encode(JSON.stringify({ shards: 4, replicas: 2 }));
map.set('config', config);

// Zero-copy: the view points into the map's shared memory, valid only inside the callback.
const shards = map.withValue('config', (view) => JSON.parse(Buffer.from(view).toString()).shards);
console.log(`shards = ${shards}`);

// Optimistic update: read, change, swap if nobody wrote in between (update() loops for you).
const seen = map.get('config');
const next = new TextEncoder().encode(JSON.stringify({ shards: 8, replicas: 2 }));
console.log(`swapped: ${map.compareAndSet('config', seen, next)}`);
console.log(`swapped again with the stale value: ${map.compareAndSet('config', seen, next)}`);

// String and Uint8Array keys are different keys, as &str and &[u8] are in Rust.
map.setString('a', 'string key');
map.setString(Uint8Array.of(0x61), 'byte key');
console.log(`${map.getString('a')} / ${map.getString(Uint8Array.of(0x61))}, size ${map.size}`);
for (const [key, value] of map) console.log(`  ${typeof key === 'string' ? key : `[${key}]`}: ${value.length} bytes`);
map.close();
