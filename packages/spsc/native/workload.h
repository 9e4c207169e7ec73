// The workloads a native thread runs on a ring, for tests and the benchmark: a producer that
// writes a known sequence and a consumer that checks it. The same sequence and checksum are
// written in JavaScript (test/workers/workload.mjs), so any producer pairs with any consumer.
//
//   slot ring:  value i is i (converted to the element type)
//   byte ring:  record i has length fixed_length, or (i * 7) % (max_length + 1) when fixed_length
//               is negative; type i & 0xffff; payload byte j is (i + j) & 0xff
//   checksum:   FNV-1a (32-bit) over the values (as uint32), or over length, type and each byte
//
// Waiting: spin and yield a little (Backoff), then park in futex(2) on the ring's wake word
// (wait.h), so a JS peer's publish or close wakes the thread at once. `lockstep` (the benchmark of
// wake-ups): the producer writes the next item only once the consumer has taken every item and is
// asleep, and the consumer parks as soon as the ring is empty, so every item costs one sleep and
// one wake.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "corelane/spsc/byte_ring.h"
#include "corelane/spsc/slot_ring.h"
#include "corelane/spsc/wait.h"

namespace corelane::spsc::workload {

struct Spec {
  bool producer = true;
  double count = 0;
  uint32_t publish_every = 64;
  double timeout_ms = 10000;
  int32_t fixed_length = -1;
  uint32_t max_length = 0;
  bool lockstep = false;
};

// The longest single futex sleep: the thread then re-checks its deadline and the stop flag.
inline constexpr int64_t kParkSliceMs = 50;

struct Result {
  double count = 0;
  uint32_t checksum = 2166136261u;
  double errors = 0;
  double elapsed_ns = 0;
  bool timed_out = false;
};

inline uint32_t fnv(uint32_t h, uint32_t x) { return (h ^ x) * 16777619u; }

inline uint32_t record_length(const Spec& spec, uint32_t i) {
  return spec.fixed_length >= 0 ? static_cast<uint32_t>(spec.fixed_length)
                                : static_cast<uint32_t>((uint64_t{i} * 7u) % (uint64_t{spec.max_length} + 1u));
}

using Clock = std::chrono::steady_clock;

// Runs until the work is done, the deadline passes, or `stop` is set (the addon unloads).
class Runner {
 public:
  Runner(const Spec& spec, const std::atomic<bool>& stop) : spec_(spec), stop_(stop) {
    deadline_ = start_ + std::chrono::microseconds(static_cast<int64_t>(spec.timeout_ms * 1000));
  }

  // Waits one step, for `ready()`: false when the run must end (deadline, stop, or `peer_gone`).
  // Spins and yields first (Backoff), then parks in futex(2) until woken or kParkSliceMs.
  template <typename Ready>
  bool wait(const Ring& ring, bool peer_gone, Ready&& ready) {
    if (stop_.load(std::memory_order_relaxed) || peer_gone || Clock::now() > deadline_) {
      result_.timed_out = true;
      return false;
    }
    if (!spec_.lockstep && !backoff_.done()) {
      backoff_.pause();
      return true;
    }
    park(ring, spec_.producer, ready, [&] { return stop_.load(std::memory_order_relaxed) || peer_closed(ring, spec_.producer); },
         kParkSliceMs);
    return true;
  }

  // Lockstep producer: waits until the consumer has taken every item and sleeps (or the run ends).
  bool await_sleeping_consumer(const Ring& ring, uint32_t tail) {
    Backoff spin;
    for (;;) {
      const bool drained = word(ring.base, offset::kHead).load(std::memory_order_seq_cst) == tail;
      if (drained && word(ring.base, offset::kConsumerSleeping).load(std::memory_order_seq_cst) != 0) return true;
      if (stop_.load(std::memory_order_relaxed) || peer_closed(ring, true) || Clock::now() > deadline_) {
        result_.timed_out = true;
        return false;
      }
      spin.pause();
    }
  }

  template <typename T>
  Result slot(const Ring& ring) {
    const uint32_t total = static_cast<uint32_t>(spec_.count);
    if (spec_.producer) {
      const uint32_t start = word(ring.base, offset::kTail).load(std::memory_order_relaxed);
      SlotProducer<T> p(ring, spec_.publish_every);
      uint32_t i = 0;
      while (i < total) {
        if (spec_.lockstep && !await_sleeping_consumer(ring, start + i)) break;
        if (p.push(static_cast<T>(i))) {
          result_.checksum = fnv(result_.checksum, i);
          ++i;
          if (spec_.lockstep) p.flush();
          backoff_.reset();
        } else if (!wait(ring, peer_closed(ring, true), [&] { return !p.full(); })) {
          break;
        }
      }
      p.flush();
      result_.count = i;
    } else {
      SlotConsumer<T> c(ring, spec_.publish_every);
      uint32_t i = 0;
      while (i < total) {
        const uint32_t n = c.drain(
            [&](T v) {
              if (v != static_cast<T>(i)) result_.errors += 1;
              result_.checksum = fnv(result_.checksum, static_cast<uint32_t>(static_cast<int64_t>(v)));
              ++i;
            },
            spec_.lockstep ? 1 : total - i);
        if (n != 0) {
          backoff_.reset();
        } else if (!wait(ring, peer_closed(ring, false) && empty(ring), [&] { return !c.empty(); })) {
          break;
        }
      }
      result_.count = i;
    }
    return finish();
  }

  Result bytes(const Ring& ring) {
    const uint32_t total = static_cast<uint32_t>(spec_.count);
    if (spec_.producer) {
      ByteProducer p(ring, spec_.publish_every);
      uint32_t i = 0;
      uint32_t written = word(ring.base, offset::kTail).load(std::memory_order_relaxed);
      while (i < total) {
        if (spec_.lockstep && !await_sleeping_consumer(ring, written)) break;
        const uint32_t length = record_length(spec_, i);
        const int32_t type = static_cast<int32_t>(i & 0xffff);
        uint8_t* to = p.claim(length, type);
        if (to != nullptr) {
          result_.checksum = fnv(fnv(result_.checksum, length), static_cast<uint32_t>(type));
          for (uint32_t j = 0; j < length; ++j) {
            to[j] = static_cast<uint8_t>(i + j);
            result_.checksum = fnv(result_.checksum, to[j]);
          }
          p.commit();
          ++i;
          if (spec_.lockstep) {
            p.flush();
            written = word(ring.base, offset::kTail).load(std::memory_order_relaxed);
          }
          backoff_.reset();
        } else if (!wait(ring, peer_closed(ring, true), [&] { return p.fits(length); })) {
          break;
        }
      }
      p.flush();
      result_.count = i;
    } else {
      ByteConsumer c(ring);
      uint32_t i = 0;
      while (i < total) {
        const uint32_t n = c.read(
            [&](const uint8_t* payload, uint32_t length, int32_t type) {
              if (length != record_length(spec_, i) || type != static_cast<int32_t>(i & 0xffff)) result_.errors += 1;
              result_.checksum = fnv(fnv(result_.checksum, length), static_cast<uint32_t>(type));
              for (uint32_t j = 0; j < length; ++j) {
                if (payload[j] != static_cast<uint8_t>(i + j)) result_.errors += 1;
                result_.checksum = fnv(result_.checksum, payload[j]);
              }
              ++i;
            },
            spec_.lockstep ? 1 : total - i);
        if (n != 0) {
          backoff_.reset();
        } else if (!wait(ring, peer_closed(ring, false) && empty(ring), [&] { return !c.empty(); })) {
          break;
        }
      }
      result_.count = i;
    }
    return finish();
  }

 private:
  static bool empty(const Ring& ring) {
    return word(ring.base, offset::kTail).load(std::memory_order_acquire) ==
           word(ring.base, offset::kHead).load(std::memory_order_acquire);
  }

  Result finish() {
    result_.elapsed_ns = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count());
    if (result_.count == spec_.count) result_.timed_out = false;
    return result_;
  }

  Spec spec_;
  const std::atomic<bool>& stop_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point deadline_;
  Backoff backoff_;
  Result result_;
};

}  // namespace corelane::spsc::workload
