// Variable-length records: encode text straight into the ring with claim()/commit(), or copy
// bytes in with write(); read them back as views into the ring (no copy), each with a type.
import { allocateByteRing, ByteRingConsumer, ByteRingProducer } from '@corelane/spsc';

const GREETING = 1;
const FAREWELL = 2;

const ring = allocateByteRing({ capacity: 4096 });
const producer = new ByteRingProducer(ring);
const consumer = new ByteRingConsumer(ring);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

for (const [type, text] of [
  [GREETING, 'hello'],
  [GREETING, 'bonjour'],
  [FAREWELL, 'see you'],
] as const) {
  // claim exactly the record's UTF-8 length and encode straight into the ring
  const room = producer.claim(Buffer.byteLength(text), type);
  if (room === null) throw new Error('ring full');
  encoder.encodeInto(text, room);
  producer.commit();
}
producer.write(Uint8Array.of(0x62, 0x79, 0x65), FAREWELL); // "bye"
producer.flush();

console.log(`records can be up to ${producer.maxRecordBytes} bytes here`);
consumer.read((bytes, type) => {
  console.log(`${type === GREETING ? 'greeting' : 'farewell'}: ${decoder.decode(bytes)}`);
});
