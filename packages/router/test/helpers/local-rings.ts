// Rings with a consumer attached in this thread, for the one-thread Router tests: every side a
// test opens is closed after it, so one test's leftovers never hold a role in the next.
import { allocateByteRing, ByteRingConsumer } from '@corelane/spsc';
import { afterEach } from 'vitest';

/**
 * Registers an `afterEach` that closes what the file's tests opened, and returns `rings()` (byte
 * rings of `defaultCapacity` bytes, each with a consumer attached here, read on demand) and
 * `track()` (close this side after the test).
 */
export function localRings(defaultCapacity: number) {
  const open: { close(): void }[] = [];
  afterEach(() => {
    for (const side of open.splice(0)) side.close();
  });
  return {
    rings(targets: number, capacity = defaultCapacity) {
      const buffers = Array.from({ length: targets }, () => allocateByteRing({ capacity }));
      const consumers = buffers.map((b) => new ByteRingConsumer(b));
      open.push(...consumers);
      return { buffers, consumers };
    },
    track<T extends { close(): void }>(side: T): T {
      open.push(side);
      return side;
    },
  };
}
