// Thread-pool backend. A chain of linked ops is one unit of work: one pool thread runs it in
// order and, like IOSQE_IO_LINK, completes the rest of the chain with -ECANCELED after a failure.
// Threads start lazily, on the first Submit(), so a ring that never does I/O costs none.
#include "pool_backend.h"

#include <cerrno>
#include <algorithm>
#include <chrono>
#include <thread>

#include "interrupt.h"
#include "syscalls.h"

namespace corelane_uring {

PoolBackend::PoolBackend(unsigned threads, std::function<void()> wake)
    : wake_(std::move(wake)), thread_count_(threads == 0 ? 1 : threads) {}

PoolBackend::~PoolBackend() {
  std::vector<Completion> ignored;
  Shutdown(ignored);
}

int PoolBackend::Queue(const std::vector<Op*>& chain) {
  pending_.push_back(chain);
  return 0;
}

int PoolBackend::Submit() {
  int count = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return -EBADF;
    for (auto& chain : pending_) {
      count += static_cast<int>(chain.size());
      queue_.push_back(std::move(chain));
    }
    if (threads_.empty() && count > 0) {
      InterruptAvailable();
      running_.assign(thread_count_, nullptr);
      live_ = thread_count_;
      for (size_t i = 0; i < thread_count_; i++) threads_.emplace_back([this, i] { Work(i); });
    }
  }
  pending_.clear();
  work_ready_.notify_all();
  return count;
}

void PoolBackend::Cancel(Op* op) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    CancelRunning(op);
  }
  timer_wake_.notify_all();
}

// Called with the lock held: a queued op will complete with -ECANCELED; one in its system call
// is interrupted (a call blocked on a pipe returns EINTR; file I/O finishes by itself).
void PoolBackend::CancelRunning(Op* op) {
  op->cancelled = true;
  for (size_t i = 0; i < running_.size(); i++) {
    if (running_[i] != op) continue;
    Interrupt(threads_[i].native_handle());
    interrupting_.push_back(op);
    StartTimer();
  }
}

// Called with the lock held, on the timer thread: every link timeout that is due cancels the op
// it guards. One whose own op was cancelled (its AbortSignal) is dropped unfired.
void PoolBackend::ExpireLinkTimers(std::chrono::steady_clock::time_point now) {
  for (auto it = link_timers_.begin(); it != link_timers_.end() && it->first <= now;) {
    auto [guard, op] = it->second;
    if (!guard->cancelled) {
      guard->expired = true;
      CancelRunning(op);
    }
    it = link_timers_.erase(it);
  }
}

void PoolBackend::Reap(std::vector<Completion>& out, size_t max) {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t take = done_.size() < max ? done_.size() : max;
  out.insert(out.end(), done_.begin(), done_.begin() + static_cast<std::ptrdiff_t>(take));
  done_.erase(done_.begin(), done_.begin() + static_cast<std::ptrdiff_t>(take));
}

void PoolBackend::Shutdown(std::vector<Completion>& out) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (auto& chain : pending_) queue_.push_back(std::move(chain));
    pending_.clear();
    for (auto& chain : queue_) {
      for (Op* op : chain) op->cancelled = true;
    }
  }
  work_ready_.notify_all();
  timer_wake_.notify_all();
  // A pool thread blocked in a call that needs an outside event (a pipe read) is interrupted,
  // again and again in case a signal lands just before the call; file I/O finishes by itself.
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (live_ == 0) break;
      for (size_t i = 0; i < running_.size(); i++) {
        if (running_[i] == nullptr) continue;
        running_[i]->cancelled = true;
        Interrupt(threads_[i].native_handle());
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  if (timer_.joinable()) timer_.join();
  // No pool thread is left: whatever was still queued completes here, cancelled.
  for (auto& chain : queue_) {
    for (Op* op : chain) done_.push_back({op, -ECANCELED});
  }
  queue_.clear();
  out.insert(out.end(), done_.begin(), done_.end());
  done_.clear();
}

int PoolBackend::RegisterFiles(const std::vector<int>& fds) {
  std::lock_guard<std::mutex> lock(mutex_);
  files_ = fds;
  return 0;
}

void PoolBackend::Work(size_t index) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    // A chain that starts with a drain op waits until no other chain runs, and nothing starts
    // while it runs (IOSQE_IO_DRAIN).
    work_ready_.wait(lock, [this] {
      if (queue_.empty()) return stopping_;
      if (draining_) return false;
      return (queue_.front().front()->flags & kDrain) == 0 || active_ == 0;
    });
    if (queue_.empty()) break;  // stopping, and nothing left to run
    std::vector<Op*> chain = std::move(queue_.front());
    queue_.pop_front();
    bool drain = (chain.front()->flags & kDrain) != 0;
    draining_ = draining_ || drain;
    active_++;
    RunChain(chain, index);  // unlocks around each system call
    active_--;
    if (drain) draining_ = false;
    work_ready_.notify_all();  // a drain op may be waiting for this one, or others for it
  }
  live_--;
}

// Called with the lock held; returns with it held.
void PoolBackend::RunChain(std::vector<Op*>& chain, size_t index) {
  std::unique_lock<std::mutex> lock(mutex_, std::adopt_lock);
  bool broken = false;
  int32_t previous = 0;  // the result of the op before this one in the chain
  for (size_t i = 0; i < chain.size(); i++) {
    Op* op = chain[i];
    if (op->code == OpCode::kLinkTimeout) {
      // As the kernel reports it: -ETIME when it expired and cancelled the op before it,
      // -EALREADY when it expired too late to stop that op, -ECANCELED when the op finished (or
      // never started) in time. The chain goes on, or not, as the guarded op decided.
      int32_t result = -ECANCELED;
      if (op->expired) result = previous == -ECANCELED ? -ETIME : -EALREADY;
      Complete(op, result);
      continue;
    }
    if (!broken && !op->cancelled && op->code == OpCode::kTimeout) {
      // The timer thread completes the timeout and, since an expired timeout breaks a link,
      // cancels the rest of the chain.
      auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(op->length);
      timers_.emplace(deadline, std::vector<Op*>(chain.begin() + static_cast<std::ptrdiff_t>(i), chain.end()));
      StartTimer();
      timer_wake_.notify_all();
      break;
    }
    int32_t result;
    if (broken || op->cancelled) {
      result = -ECANCELED;
    } else {
      op->started = true;
      int fd = op->fd;
      if ((op->flags & kFixedFile) != 0) {
        fd = op->fd >= 0 && static_cast<size_t>(op->fd) < files_.size() ? files_[static_cast<size_t>(op->fd)] : -1;
      }
      running_[index] = op;
      Op* guard = i + 1 < chain.size() && chain[i + 1]->code == OpCode::kLinkTimeout ? chain[i + 1] : nullptr;
      if (guard != nullptr && !guard->cancelled) {
        link_timers_.emplace(std::chrono::steady_clock::now() + std::chrono::nanoseconds(guard->length),
                             std::make_pair(guard, op));
        StartTimer();
        timer_wake_.notify_all();
      }
      for (;;) {
        lock.unlock();
        result = RunBlocking(*op, fd);
        lock.lock();
        if (result != -EINTR) break;
        if (op->cancelled) {
          result = -ECANCELED;
          break;
        }
      }
      running_[index] = nullptr;
      if (guard != nullptr) {  // disarm it, unless the timer thread already took it
        auto armed = std::find_if(link_timers_.begin(), link_timers_.end(),
                                  [guard](const auto& entry) { return entry.second.first == guard; });
        if (armed != link_timers_.end()) link_timers_.erase(armed);
      }
    }
    // io_uring breaks a chain on any error and on a short read/write of any kind (readv and
    // writev too: their length is the views' total); so does the pool.
    bool transfers = op->code == OpCode::kRead || op->code == OpCode::kWrite || op->code == OpCode::kReadv ||
                     op->code == OpCode::kWritev;
    bool short_io = transfers && result >= 0 && result < op->length;
    if ((op->flags & kLinkNext) != 0 && (result < 0 || short_io)) broken = true;
    previous = result;
    Complete(op, result);
  }
  lock.release();
}

// Called with the lock held.
void PoolBackend::Complete(Op* op, int32_t result) {
  done_.push_back({op, result});
  wake_();  // uv_async_send: thread-safe, coalesces
}

// Called with the lock held.
void PoolBackend::StartTimer() {
  if (!timer_.joinable()) timer_ = std::thread([this] { Time(); });
}

// Called with the lock held: signals every cancelled op still in its system call again.
void PoolBackend::InterruptCancelled() {
  std::vector<Op*> still;
  for (Op* op : interrupting_) {
    for (size_t i = 0; i < running_.size(); i++) {
      if (running_[i] != op) continue;
      Interrupt(threads_[i].native_handle());
      still.push_back(op);
    }
  }
  interrupting_.swap(still);
}

// The timer thread: completes each timeout with -ETIME when due, or -ECANCELED when cancelled
// (or at shutdown) first; the ops linked after a timeout complete with -ECANCELED either way.
void PoolBackend::Time() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    for (auto it = timers_.begin(); it != timers_.end();) {
      Op* timeout = it->second.front();
      bool due = it->first <= now;
      if (!due && !timeout->cancelled && !stopping_) {
        ++it;
        continue;
      }
      Complete(timeout, due && !timeout->cancelled ? -ETIME : -ECANCELED);
      for (size_t i = 1; i < it->second.size(); i++) Complete(it->second[i], -ECANCELED);
      it = timers_.erase(it);
    }
    if (stopping_) return;
    ExpireLinkTimers(now);
    InterruptCancelled();
    auto until = timers_.empty() ? std::chrono::steady_clock::time_point::max() : timers_.begin()->first;
    if (!link_timers_.empty()) until = std::min(until, link_timers_.begin()->first);
    if (!interrupting_.empty()) until = std::min(until, now + std::chrono::milliseconds(2));
    if (until == std::chrono::steady_clock::time_point::max()) {
      timer_wake_.wait(lock);
    } else {
      timer_wake_.wait_until(lock, until);
    }
  }
}

}  // namespace corelane_uring
