// The sleep protocol of the C++ twin: the same as src/sleep.ts, whose comment holds the proof
// obligation (no lost wake-up). In short, on the ring's own words (layout.h):
//
//   sleeper  S1 store own sleeping = bits   S2 seen = load own wake
//            S3 check ready / peer closed   S4 futex_wait(own wake, seen)
//   waker    P1 store index                 P2 load peer sleeping; if non-zero:
//            P3 add 1 to peer wake, then FUTEX_WAKE it (a close does P2-P3 always)
//
// every access seq_cst. A native side sleeps in futex(2) (sleeping bit kSleeperFutex) and wakes
// futex sleepers: a native thread, or a JS side sleeping through the addon (native/futex.cc),
// which a JS side whose peer is native always does. A JS side sleeping in Atomics.wait
// (kSleeperAtomics) cannot be reached from C++ (V8 keeps its own waiter list); it sleeps that
// way only while its peer is JS, and a JS peer leaves only through a close, which wakes it.
#pragma once

#include <chrono>
#include <climits>
#include <cstdint>
#include <ctime>
#include <thread>

#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#endif

#include "layout.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CORELANE_SPSC_PAUSE() _mm_pause()
#else
#define CORELANE_SPSC_PAUSE() ((void)0)
#endif

namespace corelane::spsc {

#ifdef __linux__
inline constexpr bool kHaveFutex = true;

// futex(FUTEX_WAIT_PRIVATE) while *addr == expected, at most timeout_ms (negative: no limit).
// Private futexes: a SharedArrayBuffer is shared by threads of one process only. Returns 0 when
// woken, or -errno (EAGAIN: the value differed, ETIMEDOUT, EINTR).
inline long futex_wait(uint32_t* addr, uint32_t expected, int64_t timeout_ms) {
  timespec ts{};
  timespec* limit = nullptr;
  if (timeout_ms >= 0) {
    ts.tv_sec = static_cast<time_t>(timeout_ms / 1000);
    ts.tv_nsec = static_cast<long>((timeout_ms % 1000) * 1000000);
    limit = &ts;
  }
  const long r = syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, expected, limit, nullptr, 0);
  return r == 0 ? 0 : -errno;
}

// futex(FUTEX_WAKE_PRIVATE): wakes every sleeper on addr; returns how many, or -errno.
inline long futex_wake(uint32_t* addr) {
  const long r = syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
  return r >= 0 ? r : -errno;
}
#else
inline constexpr bool kHaveFutex = false;
// No futex here: a short nap stands in for the wait, and a wake has nobody to reach.
inline long futex_wait(uint32_t*, uint32_t, int64_t) {
  std::this_thread::sleep_for(std::chrono::microseconds(50));
  return 0;
}
inline long futex_wake(uint32_t*) { return 0; }
#endif

inline uint32_t* word_ptr(uint8_t* base, size_t at) { return reinterpret_cast<uint32_t*>(base + at); }
inline size_t sleeping_offset(bool producer) { return producer ? offset::kProducerSleeping : offset::kConsumerSleeping; }
inline size_t wake_offset(bool producer) { return producer ? offset::kProducerWake : offset::kConsumerWake; }

// P3: bumps the wake word of the producer's or the consumer's side and wakes its futex sleepers.
inline void wake(const Ring& ring, bool producer_side, uint32_t sleeping) {
  word(ring.base, wake_offset(producer_side)).fetch_add(1, std::memory_order_seq_cst);
  if ((sleeping & kSleeperFutex) != 0) futex_wake(word_ptr(ring.base, wake_offset(producer_side)));
}

// P2-P3 after a publish by `producer`'s side (P1, the seq_cst index store, came first).
inline void wake_peer(const Ring& ring, bool producer) {
  const uint32_t sleeping = word(ring.base, sleeping_offset(!producer)).load(std::memory_order_seq_cst);
  if (sleeping != 0) wake(ring, !producer, sleeping);
}

// P2-P3 for a close or a role taken back: the side is woken whether or not it sleeps.
inline void wake_side(const Ring& ring, bool producer_side) {
  wake(ring, producer_side, word(ring.base, sleeping_offset(producer_side)).load(std::memory_order_seq_cst));
}

// One sleep of a native side (S1-S4): returns once woken, once ready() or stop() holds, or after
// slice_ms. The caller loops, re-checking its own conditions and its deadline.
template <typename Ready, typename Stop>
inline void park(const Ring& ring, bool producer, Ready&& ready, Stop&& stop, int64_t slice_ms) {
  auto sleeping = word(ring.base, sleeping_offset(producer));
  sleeping.store(kSleeperFutex, std::memory_order_seq_cst);                                       // S1
  const uint32_t seen = word(ring.base, wake_offset(producer)).load(std::memory_order_seq_cst);  // S2
  if (!ready() && !stop()) futex_wait(word_ptr(ring.base, wake_offset(producer)), seen, slice_ms);  // S3, S4
  sleeping.store(0, std::memory_order_seq_cst);
}

class Backoff {
 public:
  // One step of waiting: pause (first 256 calls), then yield (next 256); done() after that, when
  // the caller should park().
  void pause() {
    if (step_ < 256) {
      CORELANE_SPSC_PAUSE();
    } else {
      std::this_thread::yield();
    }
    if (step_ < 512) ++step_;
  }
  bool done() const { return step_ >= 512; }
  void reset() { step_ = 0; }

 private:
  unsigned step_ = 0;
};

}  // namespace corelane::spsc
