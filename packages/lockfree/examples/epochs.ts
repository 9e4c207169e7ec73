// EpochDomain on its own: the reclamation under SharedMap, for your own shared structures.
// Readers pin around every access; a writer retires what it unlinked, and it is freed only
// once every reader pinned at that time has unpinned.
import { EpochDomain } from '@corelane/lockfree';

const freed: number[] = [];
const writer = EpochDomain.create({ slots: 8 }, { reclaim: (block) => freed.push(block) });
const reader = EpochDomain.attach(writer.buffer); // in a real program: in another thread

reader.pin(); // the reader may be looking at block 4096
writer.retire(4096); // unlinked: nobody new can find it
for (let i = 0; i < 3; i++) writer.collect();
console.log(`while the reader is pinned: freed ${JSON.stringify(freed)}`);

reader.unpin();
for (let i = 0; i < 3; i++) writer.collect();
console.log(`after it unpinned: freed ${JSON.stringify(freed)}`);
reader.close();
writer.close();
