// How busy each side of a read case kept a CPU while it sampled: the question a ratio below 1
// raises first (is ours short of CPU, or short of reads in flight?). Ours: this process's CPU
// time over the sample (all threads: the ring's thread, libuv's, and the io-wq workers the kernel
// runs for it). fio: usr_cpu + sys_cpu of its job report, fio's own accounting, which may leave
// out the io-wq workers (on tmpfs they did as much work as fio's thread): the two compare well
// only while neither side hands its reads to io-wq, as on disk with O_DIRECT.

import { median } from '../../harness/stats.js';

/** CPU time per wall-clock second of each side's samples: 1 = one CPU busy all the time. */
export class CpuShare {
  readonly #ours: number[] = [];
  readonly #peer: number[] = [];

  /** Runs `sample` and records this process's CPU time per second of it; passes its result on. */
  async ours<T>(sample: () => Promise<T>): Promise<T> {
    const before = process.cpuUsage();
    const start = performance.now();
    const result = await sample();
    const used = process.cpuUsage(before);
    this.#ours.push((used.user + used.system) / 1000 / (performance.now() - start));
    return result;
  }

  /** Records a peer sample's CPU share, as the peer reported it. */
  peer(share: number): void {
    this.#peer.push(share);
  }

  /** One sentence of medians ('' before both sides have a sample). */
  describe(peer: string): string {
    if (this.#ours.length === 0 || this.#peer.length === 0) return '';
    // The first sample of each side is the runner's warm-up round: left out, as the runner leaves it out.
    const share = (values: number[]): number => median(values.length > 1 ? values.slice(1) : values);
    const ours = share(this.#ours);
    const theirs = share(this.#peer);
    const pct = (value: number): string => `${Math.round(100 * value)}%`;
    return (
      ` CPU busy per second of sample, medians of this run: ours ${pct(ours)} of one CPU, ${peer} ${pct(theirs)}` +
      (ours < 1 && theirs < 1
        ? '. Neither side used a whole CPU, so neither was CPU-bound: the rate is set by how soon each completed ' +
          'read is replaced, not by the CPU work per read.'
        : ' (ours counts the io-wq workers the kernel runs for this process; fio reports its own job).')
    );
  }
}
