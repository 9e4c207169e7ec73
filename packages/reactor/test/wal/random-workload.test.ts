// a seeded randomized workload over every policy and pipeline shape,
// with EIO injected into durable ops, rolls forced by a small segment. Asserts that no append or
// sync is stranded (each settles within a bound), that resolved seqs are unique and each lane's
// increase, and that a reopen replays exactly the resolved records under their seqs.
import { join } from 'node:path';
import { IoRing } from '@corelane/uring';
import { describe, expect, it } from 'vitest';
import { Wal, type WalOptions } from '../../src/wal/index.js';
import { backends, payload, readPayload, seededRandom, tempDir } from './helpers.js';

const root = tempDir();

function faulty(backend: (typeof backends)[number], rand: () => number, p: number) {
  const ring = new IoRing({ backend });
  const eio = (syscall: string) =>
    Object.assign(new Error(`EIO: i/o error, ${syscall}`), { code: 'EIO', errno: -5, syscall });
  let armed = false;
  const stats = { faults: 0, durable: 0 };
  const maybe = <R>(done: Promise<R>, syscall: string): Promise<R> => {
    stats.durable++;
    if (!(armed && rand() < p)) return done;
    stats.faults++;
    return done.then(() => Promise.reject(eio(syscall)));
  };
  const wrap = <T extends { fsync: IoRing['fsync']; write: IoRing['write'] }>(t: T): T => {
    const fsync = t.fsync.bind(t);
    t.fsync = (fd, o) => maybe(fsync(fd, o), 'fdatasync');
    const write = t.write.bind(t);
    t.write = (fd, b, pos, o) => {
      const done = write(fd, b, pos, o);
      return o?.dsync === true ? maybe(done, 'write') : done;
    };
    return t;
  };
  wrap(ring);
  const batch = ring.batch.bind(ring);
  ring.batch = () => wrap(batch());
  return { ring, stats, arm: (on: boolean) => (armed = on) };
}

const BOUND_MS = 15_000;
function bounded<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`STRANDED: ${what}`)), BOUND_MS);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

const configs: [string, WalOptions][] = [
  ['always x1 dsync', { fsync: 'always', maxGroupsInFlight: 1, dsync: true }],
  ['always x4 dsync', { fsync: 'always', maxGroupsInFlight: 4, dsync: true }],
  ['always x2 linked', { fsync: 'always', maxGroupsInFlight: 2, dsync: false }],
  ['interval', { fsync: 'interval', intervalMs: 2 }],
  ['none', { fsync: 'none' }],
];

describe.each(backends)('a random workload on %s', (backend) => {
  it.each(configs)(
    '%s: nothing stranded, seqs ordered, replay = resolved',
    async (name, extra) => {
      for (const seed of [1, 2, 3, 4, 5, 6]) {
        const rand = seededRandom(seed * 7919 + name.length);
        const { ring, stats, arm } = faulty(backend, rand, 0.04);
        const dir = join(root, `${backend}-${name.replace(/ /g, '_')}-${seed}`);
        const opts: WalOptions = { ring, segmentSize: 64 * 1024, maxGroupBytes: 4096, ...extra };
        const wal = await Wal.open(dir, opts);
        arm(true);
        const resolved = new Map<number, number>(); // seq -> counter
        let counter = 0;
        let failedForGood = false;
        const lanes = Array.from({ length: 1 + Math.floor(rand() * 12) }, async (_, lane) => {
          let last = 0;
          for (let i = 0; i < 60 && !failedForGood; i++) {
            const r = rand();
            const burst = r < 0.2 ? 1 + Math.floor(rand() * 20) : 1;
            const ps: Promise<number>[] = [];
            const cs: number[] = [];
            for (let k = 0; k < burst; k++) {
              const c = counter++;
              cs.push(c);
              try {
                ps.push(wal.append(payload(lane + 1, c)));
              } catch (e) {
                ps.push(Promise.reject(e));
              }
            }
            const all = Promise.allSettled(ps); // handlers attached now: a rejection is never unhandled
            if (rand() < 0.1)
              await bounded(
                wal.sync().catch(() => {}),
                `sync lane ${lane}`,
              );
            const settled = await bounded(all, `append lane ${lane} step ${i}`);
            settled.forEach((s, k) => {
              if (s.status === 'fulfilled') {
                expect(resolved.has(s.value)).toBe(false);
                expect(s.value).toBeGreaterThan(last);
                last = s.value;
                resolved.set(s.value, cs[k] as number);
              } else if ((s.reason as { code?: string }).code !== 'ERR_CORELANE_SYSTEM') {
                throw s.reason;
              }
            });
            const d = rand();
            if (d < 0.3) await Promise.resolve();
            else if (d < 0.5) await new Promise((res) => setImmediate(res));
            else if (d < 0.55) await new Promise((res) => setTimeout(res, 1));
          }
        });
        await bounded(Promise.all(lanes), `lanes ${name} seed ${seed}`);
        arm(false);
        await bounded(
          wal.close().catch(() => {
            failedForGood = true;
          }),
          'close',
        );
        if (failedForGood && extra.fsync !== 'always') {
          ring.close();
          continue; // 'interval'/'none' fail for good after a lost fdatasync: recovery decides
        }
        const again = await Wal.open(dir, { segmentSize: 64 * 1024, backend });
        process.stderr.write(
          `PROBE ${backend} ${name} seed ${seed}: resolved ${resolved.size} faults ${stats.faults}/${stats.durable} segments ${again.segments} forGood ${failedForGood}\n`,
        );
        const got = new Map<number, number>();
        await again.replay(({ seq, data }) => {
          got.set(seq, readPayload(data)?.counter ?? -1);
        });
        await again.close();
        if (extra.fsync === 'always')
          expect([...got.entries()]).toEqual([...resolved.entries()].sort((a, b) => a[0] - b[0]));
        else for (const [seq, c] of got) if (resolved.has(seq)) expect(c).toBe(resolved.get(seq));
        ring.close();
      }
    },
    120_000,
  );
});
