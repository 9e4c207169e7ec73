// A write-ahead log append: each record is written, then made durable by an fdatasync linked
// to it, so the sync starts only after its write succeeded. One submit for the whole batch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IoRing } from '@corelane/uring';

const dir = mkdtempSync(join(tmpdir(), 'uring-wal-'));
const ring = new IoRing();
const fd = await ring.open(join(dir, 'segment-0'), 'w+');

const batch = ring.batch();
const durable: Promise<void>[] = [];
let offset = 0;
for (const text of ['first', 'second', 'third']) {
  const record = Buffer.from(`${text}\n`);
  batch.write(fd, record, offset, { link: true }); // the next op waits for this one
  durable.push(batch.fsync(fd, { dataOnly: true }));
  offset += record.length;
}
console.log(`submitted ${batch.submit()} operations in one call`);
await Promise.all(durable);
console.log(`${durable.length} records durable, ${(await ring.statx(fd)).size} bytes`);

await ring.closeFile(fd);
ring.close();
rmSync(dir, { recursive: true });
