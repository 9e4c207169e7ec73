// fxhash 0.2.1 (the Rust crate) in C++, header-only: FxHasher64 and the way Rust feeds it a
// `&[u8]` (usize length, then the bytes), a `&str` (the bytes, then 0xff) and a `u64`.
// Words are read little-endian, as the crate reads them (NativeEndian) on x86-64 and aarch64,
// where the reference vectors come from; a big-endian build swaps them to stay compatible.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace corelane::fxhash {

inline constexpr uint64_t kSeed64 = 0x517cc1b727220a95ULL;

inline uint64_t Word(uint64_t hash, uint64_t word) {
  return (std::rotl(hash, 5) ^ word) * kSeed64;
}

template <typename T>
inline T LoadLE(const uint8_t* p) {
  T value = 0;
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(&value, p, sizeof(T));  // one unaligned load
  } else {
    for (size_t i = 0; i < sizeof(T); i++) value |= static_cast<T>(static_cast<T>(p[i]) << (8 * i));
  }
  return value;
}

// Rust's FxHasher64::write: 8-byte words, then one 4-byte word if 4+ bytes are left, then bytes.
inline uint64_t Write(uint64_t hash, const uint8_t* bytes, size_t length) {
  while (length >= 8) {
    hash = Word(hash, LoadLE<uint64_t>(bytes));
    bytes += 8;
    length -= 8;
  }
  if (length >= 4) {
    hash = Word(hash, LoadLE<uint32_t>(bytes));
    bytes += 4;
    length -= 4;
  }
  for (size_t i = 0; i < length; i++) hash = Word(hash, bytes[i]);
  return hash;
}

// fxhash::hash64(&[u8]): the slice's length as a usize, then its bytes.
inline uint64_t HashBytes(const uint8_t* bytes, size_t length) {
  return Write(Word(0, static_cast<uint64_t>(length)), bytes, length);
}

// fxhash::hash64(&str): the UTF-8 bytes, then 0xff.
inline uint64_t HashStr(const uint8_t* bytes, size_t length) {
  return Word(Write(0, bytes, length), 0xff);
}

// fxhash::hash64(&u64): one word.
inline uint64_t HashU64(uint64_t value) {
  return Word(0, value);
}

}  // namespace corelane::fxhash
