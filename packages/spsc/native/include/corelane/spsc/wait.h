// How a native side waits for its peer. V8's Atomics.notify cannot wake a native thread (V8 keeps
// its own waiter list), so a native side polls: it spins briefly, then yields, then sleeps in
// short naps, with a deadline. It never sets its sleeping word, so a JS peer never notifies it.
#pragma once

#include <chrono>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CORELANE_SPSC_PAUSE() _mm_pause()
#else
#define CORELANE_SPSC_PAUSE() ((void)0)
#endif

namespace corelane::spsc {

class Backoff {
 public:
  // One step of waiting: pause (first 256 calls), yield (next 256), then sleep 50 µs.
  void pause() {
    if (step_ < 256) {
      CORELANE_SPSC_PAUSE();
    } else if (step_ < 512) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    if (step_ < 512) ++step_;
  }
  void reset() { step_ = 0; }

 private:
  unsigned step_ = 0;
};

}  // namespace corelane::spsc
