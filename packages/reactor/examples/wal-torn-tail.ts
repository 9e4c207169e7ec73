import { mkdtempSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wal } from '@corelane/reactor/wal';

const dir = mkdtempSync(join(tmpdir(), 'wal-'));
const wal = await Wal.open(dir, { fsync: 'always', segmentSize: 64 * 1024 });
for (let i = 1; i <= 3; i++) await wal.append(Buffer.alloc(100, i));
await wal.close();

// A crash in the middle of the last write: cut the segment file inside record 3.
const segment = join(dir, readdirSync(dir).find((name) => name.endsWith('.wal')) as string);
truncateSync(segment, 32 + 2 * 120 + 50); // header, two 120-byte records, half of the third
console.log(`segment cut to ${statSync(segment).size} bytes`);

const again = await Wal.open(dir, { segmentSize: 64 * 1024 });
console.log(`recovered ${again.recovery.records} records, cut ${again.recovery.tornBytes} torn bytes`);
console.log(`the next append is seq ${await again.append(Buffer.from('after the crash'))}`);
await again.close();
