/**
 * Ops waiting for the next native submit, in the layout native/ring.cc reads: one call hands
 * the kernel a whole batch.
 *
 * ```
 * descriptor: 8 float64 = 64 bytes per op
 *   byte  slot  field
 *      0     0  id       uint32 the completion carries back
 *      8     1  code     OpCode (OpCode.refused: JS refused it; it never runs, its chain breaks)
 *     16     2  flags    OpFlag bits
 *     24     3  fd       int32, or a registered-file index
 *     32     4  offset   file position (-1: the file's current position); ftruncate: new size
 *     40     5  length   byte count; fallocate: length; timeout: nanoseconds
 *     48     6  a1       open flags | fsync data-only | mkdir mode | fallocate mode |
 *                        statx flags | unlink flags | registered-buffer index
 *     56     7  a2       open mode | statx mask
 * refs: 2 slots per op: the view (or views) and/or the path(s) it uses
 *
 * completion: 2 float64 = 16 bytes per reaped op
 *      0     0  id
 *      8     1  result   >= 0 (bytes, fd, 0), -errno, or <= REFUSED_RESULT (-65536) when the
 *                        op never reached the kernel: REFUSED_RESULT - result is the errno why
 * ```
 */
export class Staging {
  descriptors = new Float64Array(8 * 64);
  refs: unknown[] = [];
  count = 0;

  /** Appends one op; returns its index in the batch. */
  push(
    id: number,
    code: number,
    flags: number,
    fd: number,
    offset: number,
    length: number,
    a1: number,
    a2: number,
    ref0: unknown,
    ref1: unknown,
  ): number {
    if ((this.count + 1) * 8 > this.descriptors.length) {
      const grown = new Float64Array(this.descriptors.length * 2);
      grown.set(this.descriptors);
      this.descriptors = grown;
    }
    const at = this.count * 8;
    const d = this.descriptors;
    d[at] = id;
    d[at + 1] = code;
    d[at + 2] = flags;
    d[at + 3] = fd;
    d[at + 4] = offset;
    d[at + 5] = length;
    d[at + 6] = a1;
    d[at + 7] = a2;
    this.refs[this.count * 2] = ref0;
    this.refs[this.count * 2 + 1] = ref1;
    return this.count++;
  }

  /** Forgets the staged ops (their refs too, so nothing is kept alive by the stage). */
  clear(): void {
    // A loop, not fill(): Array.prototype.fill is a runtime call, and this runs every submit.
    const refs = this.refs;
    for (let i = 0, end = this.count * 2; i < end; i++) refs[i] = undefined;
    this.count = 0;
  }
}
