// The workloads a native thread runs on a ring, for tests and the benchmark: a producer that
// writes a known sequence and a consumer that checks it. The same sequence and checksum are
// written in JavaScript (test/helpers/workload.ts), so any producer pairs with any consumer.
//
//   slot ring:  value i is i (converted to the element type)
//   byte ring:  record i has length fixed_length, or (i * 7) % (max_length + 1) when fixed_length
//               is negative; type i & 0xffff; payload byte j is (i + j) & 0xff
//   checksum:   FNV-1a (32-bit) over the values (as uint32), or over length, type and each byte
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
  uint32_t batch = 64;
  double timeout_ms = 10000;
  int32_t fixed_length = -1;
  uint32_t max_length = 0;
};

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

  // Waits one step; false when the run must end (deadline, stop, or the peer closed and `peer_gone` says so).
  bool wait(bool peer_gone) {
    if (stop_.load(std::memory_order_relaxed) || peer_gone || Clock::now() > deadline_) {
      result_.timed_out = true;
      return false;
    }
    backoff_.pause();
    return true;
  }

  template <typename T>
  Result slot(const Ring& ring) {
    const uint32_t total = static_cast<uint32_t>(spec_.count);
    if (spec_.producer) {
      SlotProducer<T> p(ring, spec_.batch);
      uint32_t i = 0;
      while (i < total) {
        if (p.push(static_cast<T>(i))) {
          result_.checksum = fnv(result_.checksum, i);
          ++i;
          backoff_.reset();
        } else if (!wait(peer_closed(ring, true))) {
          break;
        }
      }
      p.flush();
      result_.count = i;
    } else {
      SlotConsumer<T> c(ring, spec_.batch);
      uint32_t i = 0;
      while (i < total) {
        const uint32_t n = c.drain(
            [&](T v) {
              if (v != static_cast<T>(i)) result_.errors += 1;
              result_.checksum = fnv(result_.checksum, static_cast<uint32_t>(static_cast<int64_t>(v)));
              ++i;
            },
            total - i);
        if (n != 0) {
          backoff_.reset();
        } else if (!wait(peer_closed(ring, false) && c.drain([](T) {}, 0) == 0 && empty(ring))) {
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
      ByteProducer p(ring, spec_.batch);
      uint32_t i = 0;
      while (i < total) {
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
          backoff_.reset();
        } else if (!wait(peer_closed(ring, true))) {
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
            total - i);
        if (n != 0) {
          backoff_.reset();
        } else if (!wait(peer_closed(ring, false) && empty(ring))) {
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
