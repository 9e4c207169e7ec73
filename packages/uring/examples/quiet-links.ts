// A WAL's append with one in flight, on a ring made for it: no DEFER_TASKRUN (its fdatasync runs
// in io-wq), and quietLinks, so the write posts no completion of its own when it succeeds and the
// fdatasync's completion settles both: one wake-up per append. A short or failed write still
// reports its own result, and the fdatasync after it rejects with ECANCELED.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IoRing } from '@corelane/uring';

const dir = mkdtempSync(join(tmpdir(), 'uring-quiet-'));
const ring = new IoRing({ deferTaskrun: false, quietLinks: true });
const fd = await ring.open(join(dir, 'segment-0'), 'w+');

let offset = 0;
for (const text of ['first', 'second', 'third']) {
  const record = Buffer.from(`${text}\n`);
  const batch = ring.batch();
  const written = batch.write(fd, record, offset, { link: true });
  const synced = batch.fsync(fd, { dataOnly: true });
  batch.submit();
  console.log(`wrote ${await written} bytes, durable: ${(await synced) === undefined}`);
  offset += record.length;
}

const readOnly = await ring.open(join(dir, 'segment-0'), 'r');
const batch = ring.batch();
const failed = batch.write(readOnly, Buffer.from('x'), 0, { link: true });
const skipped = batch.fsync(readOnly, { dataOnly: true });
batch.submit();
const codes = await Promise.allSettled([failed, skipped]);
console.log(codes.map((c) => (c.status === 'rejected' ? (c.reason as { code: string }).code : 'ok')).join(', '));

await ring.closeFile(readOnly);
await ring.closeFile(fd);
ring.close();
rmSync(dir, { recursive: true });
