// Large values for the tests: a byte pattern and a digest that tells two of them apart.
import { createHash } from 'node:crypto';

/** `bytes` bytes of a pattern that a digest tells apart from any other length or shift. */
export function pattern(bytes: number, seed: number): Buffer {
  const b = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** The SHA-256 of `b` in hex (null stays null): what a test compares instead of the bytes. */
export function digest(b: Buffer | null): string | null {
  return b === null ? null : createHash('sha256').update(b).digest('hex');
}
