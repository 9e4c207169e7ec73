/** The little-endian 32-bit word at `bytes[i..i+4)`, as int32 bits (Rust's `read_u32` on x86-64). */
export function readWordLE(bytes: Uint8Array, i: number): number {
  return (
    (bytes[i] as number) |
    ((bytes[i + 1] as number) << 8) |
    ((bytes[i + 2] as number) << 16) |
    ((bytes[i + 3] as number) << 24)
  );
}
