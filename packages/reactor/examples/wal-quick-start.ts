import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wal } from '@corelane/reactor/wal';

const dir = mkdtempSync(join(tmpdir(), 'wal-'));
const wal = await Wal.open(dir, { fsync: 'always' }); // an append resolves once fdatasync'ed
// Appends made together share one group commit: one write and one fdatasync.
const seqs = await Promise.all(['one', 'two', 'three'].map((word) => wal.append(Buffer.from(word))));
console.log(`appended seq ${seqs.join(', ')} through ${wal.backend}`);
await wal.close();

const again = await Wal.open(dir); // recovery: every record verified, a torn tail cut
const result = await again.replay(({ seq, data }) => console.log(seq, Buffer.from(data).toString()));
console.log(`replayed ${result.records} records, ${result.tornBytes} torn bytes`);
await again.close();
