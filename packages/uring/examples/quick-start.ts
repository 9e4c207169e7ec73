import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IoRing } from '@corelane/uring';

const ring = new IoRing(); // io_uring here, or the thread pool, and `ring.info.reason` says why
const fd = await ring.open(join(mkdtempSync(join(tmpdir(), 'uring-')), 'hello.txt'), 'w+');
await ring.write(fd, Buffer.from('hello, io_uring'), 0);
const buffer = Buffer.alloc(64);
const bytes = await ring.read(fd, buffer, 0);
console.log(`read "${buffer.toString('utf8', 0, bytes)}" through ${ring.backend}`);
await ring.closeFile(fd);
ring.close();
