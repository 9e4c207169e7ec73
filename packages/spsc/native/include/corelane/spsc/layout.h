// The byte layout of corelane SPSC rings, layout version 2: the C++ twin of
// packages/spsc/src/layout.ts. Change both together and bump kVersion.
//
//   byte 0    header: magic "CLRG", version, kind, element type, capacity, dataOffset, byteLength
//   byte 64   roles: producer role @64, consumer role @68, one word each: bits 0-1 the state
//             (0 free, 1 JS, 2 native, 3 closed), bits 2-31 the claim generation (+1 per claim)
//   byte 128  producer line: tail @128 (written by the producer only)
//   byte 256  consumer line: head @256 (written by the consumer only)
//   byte 384  wait line: producer sleeping @384, consumer sleeping @388 (Sleeper bits, written by
//             that side around a sleep); producer wake @392, consumer wake @396 (the word each
//             side sleeps on; bumped by a publish while it sleeps, a close, a role taken back)
//   byte 512  data: capacity slots (slot ring) or capacity bytes of 8-byte-aligned records (byte ring)
//
// tail and head are free-running uint32_t counters (slots or bytes) that wrap modulo 2^32; the
// position is counter & (capacity - 1) and the fill is tail - head in uint32_t arithmetic, exact
// because capacity <= 2^30. JavaScript keeps the same bits in int32.
//
// Version 1 (separate generation words; sleepers waiting on the peer's index) is refused.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace corelane::spsc {

inline constexpr uint32_t kMagic = uint32_t{'C'} | uint32_t{'L'} << 8 | uint32_t{'R'} << 16 | uint32_t{'G'} << 24;
inline constexpr uint32_t kVersion = 2;

enum class Kind : uint32_t { kSlot = 1, kByte = 2 };
enum class ElementType : uint32_t { kInt32 = 1, kFloat64 = 2, kBigInt64 = 3 };
enum class Role : uint32_t { kFree = 0, kJs = 1, kNative = 2, kClosed = 3 };
inline constexpr uint32_t kRoleStateMask = 3;
inline constexpr uint32_t kRoleGenerationOne = 4;
inline constexpr Role role_state(uint32_t word) { return static_cast<Role>(word & kRoleStateMask); }

// Bits of a sleeping word: how that side sleeps, so its peer wakes it the right way (V8's
// Atomics.notify reaches only Atomics.wait; FUTEX_WAKE reaches only futex(2) sleepers).
inline constexpr uint32_t kSleeperAtomics = 1;
inline constexpr uint32_t kSleeperFutex = 2;

namespace offset {
inline constexpr size_t kMagic = 0;
inline constexpr size_t kVersion = 4;
inline constexpr size_t kKind = 8;
inline constexpr size_t kVariant = 12;
inline constexpr size_t kCapacity = 16;
inline constexpr size_t kDataOffset = 20;
inline constexpr size_t kByteLength = 24;
inline constexpr size_t kProducerRole = 64;
inline constexpr size_t kConsumerRole = 68;
inline constexpr size_t kTail = 128;
inline constexpr size_t kHead = 256;
inline constexpr size_t kProducerSleeping = 384;
inline constexpr size_t kConsumerSleeping = 388;
inline constexpr size_t kProducerWake = 392;
inline constexpr size_t kConsumerWake = 396;
inline constexpr size_t kData = 512;
}  // namespace offset

static_assert(offset::kHead - offset::kTail >= 128, "producer and consumer lines must be 128 bytes apart");

// Byte ring records: int32 payload length, int32 type, payload, padded to 8 bytes.
inline constexpr uint32_t kRecordHeaderBytes = 8;
inline constexpr int32_t kPaddingType = -1;

inline constexpr uint32_t record_size(uint32_t length) { return (kRecordHeaderBytes + length + 7u) & ~7u; }
inline constexpr uint32_t max_record_bytes(uint32_t capacity) { return capacity / 2 - kRecordHeaderBytes; }
inline constexpr size_t element_bytes(ElementType type) { return type == ElementType::kInt32 ? 4 : 8; }

// One 32-bit word of the ring, for atomic access (std::atomic_ref over the shared bytes).
inline std::atomic_ref<uint32_t> word(uint8_t* base, size_t at) {
  return std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(base + at));
}

// A validated ring: where it is and what it holds.
struct Ring {
  uint8_t* base = nullptr;
  uint32_t capacity = 0;
  uint32_t mask = 0;
  Kind kind = Kind::kSlot;
  ElementType element = ElementType::kInt32;
  uint8_t* data() const { return base + offset::kData; }
};

inline bool power_of_two(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

// The one capacity rule (layout.ts capacityError() is the same; test/capacity-rule.test.ts holds
// both to it): a power of two from the kind's minimum to its maximum. nullptr when accepted.
inline constexpr uint32_t kMinSlotCapacity = 2;
inline constexpr uint32_t kMaxSlotCapacity = 1u << 27;
inline constexpr uint32_t kMinByteCapacity = 64;
inline constexpr uint32_t kMaxByteCapacity = 1u << 30;
inline const char* capacity_error(Kind kind, uint32_t capacity) {
  const uint32_t min = kind == Kind::kByte ? kMinByteCapacity : kMinSlotCapacity;
  const uint32_t max = kind == Kind::kByte ? kMaxByteCapacity : kMaxSlotCapacity;
  if (!power_of_two(capacity) || capacity < min || capacity > max) return "capacity is not a power of two in range";
  return nullptr;
}

// Checks the header of `length` bytes at `base` (reads only). Returns nullptr and fills `out`, or
// the reason the buffer is not a ring of `kind`.
inline const char* validate(uint8_t* base, size_t length, Kind kind, Ring& out) {
  if (base == nullptr || length < offset::kData) return "buffer shorter than a ring header";
  if (word(base, offset::kMagic).load(std::memory_order_acquire) != kMagic) return "wrong magic";
  if (word(base, offset::kVersion).load(std::memory_order_relaxed) != kVersion) return "wrong layout version";
  if (word(base, offset::kKind).load(std::memory_order_relaxed) != static_cast<uint32_t>(kind)) return "wrong kind";
  const uint32_t variant = word(base, offset::kVariant).load(std::memory_order_relaxed);
  const uint32_t capacity = word(base, offset::kCapacity).load(std::memory_order_relaxed);
  if (const char* bad = capacity_error(kind, capacity)) return bad;
  size_t expected = 0;
  if (kind == Kind::kSlot) {
    if (variant < 1 || variant > 3) return "unknown element type";
    expected = offset::kData + size_t{capacity} * element_bytes(static_cast<ElementType>(variant));
    out.element = static_cast<ElementType>(variant);
  } else {
    if (variant != 0) return "wrong byte ring variant";
    expected = offset::kData + size_t{capacity};
  }
  if (word(base, offset::kDataOffset).load(std::memory_order_relaxed) != offset::kData) return "wrong data offset";
  if (word(base, offset::kByteLength).load(std::memory_order_relaxed) != expected || length != expected) {
    return "buffer length does not match the header";
  }
  out.base = base;
  out.capacity = capacity;
  out.mask = capacity - 1;
  out.kind = kind;
  return nullptr;
}

inline size_t role_offset(bool producer) { return producer ? offset::kProducerRole : offset::kConsumerRole; }

// Claims the producer or consumer role for a native thread if it is free or closed: installs
// (generation + 1) | native and returns that word in `token`, to hand to release_role() later.
// False when a live side holds the role (nothing written then). role.ts claimRole() is the same.
inline bool claim_role(const Ring& ring, bool producer, uint32_t& token) {
  auto role = word(ring.base, role_offset(producer));
  uint32_t current = role.load(std::memory_order_seq_cst);
  for (;;) {
    const Role held = role_state(current);
    if (held == Role::kJs || held == Role::kNative) return false;
    const uint32_t next = ((current & ~kRoleStateMask) + kRoleGenerationOne) | static_cast<uint32_t>(Role::kNative);
    // seq_cst: the claim is ordered before everything this side writes after it. A failed
    // exchange reloads `current` (another claimant or releaseRole() moved it): look again.
    if (role.compare_exchange_strong(current, next, std::memory_order_seq_cst)) {
      token = next;
      return true;
    }
  }
}

// Closes a role claimed as `token` if the word still equals it: one compare-exchange over state
// and generation together, so a role taken back by releaseRole() and claimed again meanwhile
// (a newer generation) is never freed by the stale claim. False when it had changed hands.
// The caller wakes the peer (wait.h wake_side) when this returns true.
inline bool release_role(const Ring& ring, bool producer, uint32_t token) {
  uint32_t expected = token;
  const uint32_t closed = (token & ~kRoleStateMask) | static_cast<uint32_t>(Role::kClosed);
  return word(ring.base, role_offset(producer)).compare_exchange_strong(expected, closed, std::memory_order_seq_cst);
}

// True when the peer of `producer`'s side attached and closed. seq_cst: S3 of the sleep protocol.
inline bool peer_closed(const Ring& ring, bool producer) {
  return role_state(word(ring.base, role_offset(!producer)).load(std::memory_order_seq_cst)) == Role::kClosed;
}

}  // namespace corelane::spsc
