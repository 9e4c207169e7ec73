// The three kinds of key, and the Rust expression each one agrees with.
// Run: node examples/rust-interop.ts
import { fxhash32, fxhash64, partition } from '@corelane/router';

const name = 'sensor-17'; // Rust: fxhash::hash64("sensor-17")       — a &str: bytes, then 0xff
const bytes = new TextEncoder().encode(name); // Rust: fxhash::hash64(&b"sensor-17"[..]) — a &[u8]: length, then bytes
const id = 17; // Rust: fxhash::hash64(&17u64)                         — a u64

console.log(`str   ${fxhash64(name)}`);
console.log(`bytes ${fxhash64(bytes)} (not the same as the str: Rust hashes them differently too)`);
console.log(`u64   ${fxhash64(id)} = ${fxhash64(17n)} (a number or a bigint)`);
console.log(`-1    ${fxhash64(-1)} (as Rust's -1i64 as u64)`);
console.log(`hash32("sensor-17") = ${fxhash32(name)}`);
// A Rust service partitioning with fxhash::hash64(&key) % 12 picks the same partition:
console.log(`partition("sensor-17", 12) = ${partition(name, 12)}`);
