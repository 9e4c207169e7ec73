// The fallback engine: a fixed pool of native threads running the blocking system calls. Used
// when io_uring is refused or off, and by the io_uring backend for opcodes its kernel lacks.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "backend.h"

namespace corelane_uring {

class PoolBackend final : public Backend {
 public:
  // `wake` is called from pool threads after completions were added (uv_async_send).
  PoolBackend(unsigned threads, std::function<void()> wake);
  ~PoolBackend() override;

  int Queue(const std::vector<Op*>& chain) override;
  int Submit() override;
  void Cancel(Op* op) override;
  void Reap(std::vector<Completion>& out, size_t max) override;
  int EventFd() const override { return -1; }
  void Shutdown(std::vector<Completion>& out) override;
  int RegisterFiles(const std::vector<int>& fds) override;
  int RegisterBuffers(const std::vector<std::pair<uint8_t*, size_t>>&) override { return 0; }

 private:
  void Work(size_t index);
  void RunChain(std::vector<Op*>& chain, size_t index);
  void Time();
  void Complete(Op* op, int32_t result);
  void StartTimer();
  void InterruptCancelled();
  void CancelRunning(Op* op);
  void ExpireLinkTimers(std::chrono::steady_clock::time_point now);

  std::function<void()> wake_;
  std::vector<std::vector<Op*>> pending_;  // queued on the ring's thread, not yet submitted
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable timer_wake_;
  std::deque<std::vector<Op*>> queue_;  // submitted, waiting for a pool thread
  std::vector<Completion> done_;
  std::vector<int> files_;  // registered files: index -> fd
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  std::vector<Op*> running_;  // per pool thread: the op whose system call it is in, or null
  size_t live_ = 0;           // pool threads not yet returned
  size_t active_ = 0;         // chains a pool thread is running now
  bool draining_ = false;     // a drain chain runs: nothing else may start
  // Timeouts wait here, on one timer thread, so they never hold a pool thread. Each entry is a
  // timeout op followed by the rest of its chain (which an expired timeout cancels).
  std::multimap<std::chrono::steady_clock::time_point, std::vector<Op*>> timers_;
  // Link timeouts armed while the op they guard runs: (the link timeout, the guarded op). When
  // one is due the timer thread cancels the guarded op, as IORING_OP_LINK_TIMEOUT does.
  using LinkTimers = std::multimap<std::chrono::steady_clock::time_point, std::pair<Op*, Op*>>;
  LinkTimers link_timers_;
  std::thread timer_;
  // Cancelled ops still in their system call: the timer thread interrupts them every 2 ms until
  // they return (one signal could land just before the call and be lost).
  std::vector<Op*> interrupting_;
  unsigned thread_count_;
};

}  // namespace corelane_uring
