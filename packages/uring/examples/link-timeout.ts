// A deadline on one operation: linkTimeout() cancels the operation queued just before it if it
// has not completed in time. Here a read waits on a pipe that nobody writes to.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IoRing } from '@corelane/uring';

const dir = mkdtempSync(join(tmpdir(), 'uring-deadline-'));
execFileSync('mkfifo', [join(dir, 'pipe')]);
const pipe = openSync(join(dir, 'pipe'), 'r+'); // a read on it waits until someone writes
const ring = new IoRing();

const batch = ring.batch();
const read = batch.read(pipe, Buffer.alloc(64), null, { link: true }); // guarded by what follows
const expired = batch.linkTimeout(50); // cancel the read if it is not done within 50 ms
batch.submit();

console.log(`timeout expired: ${await expired}`);
await read.catch((error) => console.log(`read: ${error.code}`));

closeSync(pipe);
ring.close();
rmSync(dir, { recursive: true });
