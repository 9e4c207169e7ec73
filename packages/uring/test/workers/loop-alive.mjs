// Child process: an op in flight keeps the event loop alive, an idle ring does not.
// argv[2] is the backend. Prints one line per step; the process must exit by itself.
import { IoRing } from '@corelane/uring';

const ring = new IoRing({ backend: process.argv[2] });
await ring.timeout(200); // nothing else keeps this loop alive meanwhile
console.log(`timeout settled on ${ring.backend}`);
const fd = await ring.open(process.execPath, 'r');
const n = await ring.read(fd, Buffer.alloc(16), 0);
console.log(`read ${n}`);
await ring.closeFile(fd);
// The ring stays open and idle: the process must still exit.
