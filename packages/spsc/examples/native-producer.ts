// A native thread (the C++ twin of the ring) produces into a byte ring while JavaScript reads:
// record i carries type i & 0xffff and a payload whose byte j is (i + j) & 0xff.
// The JS side sleeps in futex(2) while the ring is empty, and the native thread's wake reaches it.
import { allocateByteRing, ByteRingConsumer, capabilities, NativeRingThread } from '@corelane/spsc';

const { nativeThreads } = capabilities();
if (!nativeThreads.supported) {
  console.log(`native threads unavailable: ${nativeThreads.reason}`);
} else {
  const ring = allocateByteRing({ capacity: 64 * 1024 });
  const thread = NativeRingThread.start(ring, { role: 'producer', count: 100_000, fixedLength: 32 });
  using consumer = new ByteRingConsumer(ring); // closed at the end of this block
  let records = 0;
  let wrong = 0;
  while (records < 100_000 && (await consumer.readable(10_000))) {
    consumer.read((bytes, type) => {
      if (type !== (records & 0xffff) || bytes[0] !== (records & 0xff)) wrong++;
      records++;
    });
  }
  const native = await thread.finished();
  console.log(`native thread wrote ${native.count} records, JS read ${records}, ${wrong} out of order`);
}
