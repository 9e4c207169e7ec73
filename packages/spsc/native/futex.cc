// futex(2) for JS sides: how a JS side sleeps so that a native peer's FUTEX_WAKE reaches it
// (V8's Atomics.wait keeps its own waiter list, which a native thread cannot reach), and how a
// JS side wakes a native sleeper. The protocol around these calls is in src/sleep.ts and
// include/corelane/spsc/wait.h; these calls only sleep and wake.
//
//   futexWait(view, index, expected, timeoutMs)       blocks this thread (a worker's sync wait)
//   futexWaitAsync(view, index, expected, timeoutMs, done)
//                                                     blocks a native thread, then calls done(result)
//                                                     on this thread's event loop
//   futexWake(view, index)                            wakes every sleeper of the word
//   futexUnsupported                                  null, or why this build has no futex
//
// Results: 0 woken (or interrupted: the caller re-checks), 1 the word no longer held `expected`,
// 2 timed out, else -errno. A wait sleeps at most kSliceMs per system call and returns to JS
// (sync) or re-checks the stop flag (async) in between: a worker's terminate() or the thread's
// exit then never waits for a futex that nobody wakes.
#include <napi.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

#include "corelane/spsc/wait.h"

namespace corelane::spsc::addon {
namespace {

constexpr int64_t kSliceMs = 100;

int to_result(long r) {
  if (r == 0 || r == -EINTR) return 0;
#ifdef __linux__
  if (r == -EAGAIN) return 1;
  if (r == -ETIMEDOUT) return 2;
#endif
  return static_cast<int>(r);
}

uint32_t* word_at(const Napi::CallbackInfo& info) {
  auto view = info[0].As<Napi::Int32Array>();
  return reinterpret_cast<uint32_t*>(view.Data()) + info[1].As<Napi::Number>().Uint32Value();
}

// futexWait(view, index, expected, timeoutMs): one sleep of at most kSliceMs (the JS loop re-checks
// and sleeps again; its deadline is its own).
Napi::Value Wait(const Napi::CallbackInfo& info) {
  uint32_t* addr = word_at(info);
  const uint32_t expected = static_cast<uint32_t>(info[2].As<Napi::Number>().Int32Value());
  const int64_t timeout = info[3].As<Napi::Number>().Int64Value();
  const int64_t slice = timeout < 0 ? kSliceMs : std::min(timeout, kSliceMs);
  return Napi::Number::New(info.Env(), to_result(futex_wait(addr, expected, slice)));
}

Napi::Value Wake(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(futex_wake(word_at(info))));
}

struct Waiter;

// The async waits of one JS thread, joined when that thread's environment goes away.
struct Waiters {
  std::mutex mutex;
  std::list<std::unique_ptr<Waiter>> pending;
  std::atomic<bool> stop{false};
};

struct Waiter {
  Napi::Reference<Napi::Int32Array> keep_alive;  // the ring's memory outlives the sleeping thread
  Napi::ThreadSafeFunction done;
  uint32_t* addr = nullptr;
  std::thread thread;
  int result = 0;
  Waiters* owner = nullptr;
};

// On the JS thread, after the native thread has its result: forget the waiter, then call done.
// env is null when the environment is being torn down: Teardown() then owns and frees the waiter,
// which may already be gone, so it is not touched.
void Deliver(Napi::Env env, Napi::Function done, Waiter* waiter) {
  if (env == nullptr) return;
  std::unique_ptr<Waiter> mine;
  {
    std::lock_guard<std::mutex> lock(waiter->owner->mutex);
    auto& list = waiter->owner->pending;
    auto it = std::find_if(list.begin(), list.end(), [&](const auto& w) { return w.get() == waiter; });
    if (it == list.end()) return;  // the environment is being torn down: it joins and frees it
    mine = std::move(*it);
    list.erase(it);
  }
  if (mine->thread.joinable()) mine->thread.join();  // it has only Release() left to do
  const int result = mine->result;
  mine.reset();
  done.Call({Napi::Number::New(env, result)});
}

void Sleep(Waiter* waiter, uint32_t expected, int64_t timeout_ms) {
  const auto start = std::chrono::steady_clock::now();
  int result = 2;
  for (;;) {
    int64_t slice = kSliceMs;
    if (timeout_ms >= 0) {
      const auto spent =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
      if (spent >= timeout_ms) break;
      slice = std::min<int64_t>(slice, timeout_ms - spent);
    }
    result = to_result(futex_wait(waiter->addr, expected, slice));
    if (result != 2 || waiter->owner->stop.load(std::memory_order_acquire)) break;
  }
  waiter->result = result;
  waiter->done.NonBlockingCall(waiter, Deliver);
  waiter->done.Release();
}

Napi::Value WaitAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto* waiters = static_cast<Waiters*>(info.Data());
  auto view = info[0].As<Napi::Int32Array>();
  const uint32_t expected = static_cast<uint32_t>(info[2].As<Napi::Number>().Int32Value());
  const int64_t timeout = info[3].As<Napi::Number>().Int64Value();
  auto waiter = std::make_unique<Waiter>();
  waiter->keep_alive = Napi::Persistent(view);
  waiter->addr = word_at(info);
  waiter->owner = waiters;
  waiter->done = Napi::ThreadSafeFunction::New(env, info[4].As<Napi::Function>(), "corelane-spsc-futex-wait", 0, 1);
  Waiter* raw = waiter.get();
  {
    std::lock_guard<std::mutex> lock(waiters->mutex);
    waiters->pending.push_back(std::move(waiter));
  }
  raw->thread = std::thread(Sleep, raw, expected, timeout);
  return env.Undefined();
}

// The JS thread is going away: wake and join every waiting thread, then free them.
void Teardown(void* data) {
  auto* waiters = static_cast<Waiters*>(data);
  waiters->stop.store(true, std::memory_order_release);
  std::list<std::unique_ptr<Waiter>> all;
  {
    std::lock_guard<std::mutex> lock(waiters->mutex);
    all.swap(waiters->pending);
  }
  for (auto& w : all) futex_wake(w->addr);
  for (auto& w : all) {
    if (w->thread.joinable()) w->thread.join();
  }
  all.clear();
  delete waiters;
}

}  // namespace

void RegisterFutex(Napi::Env env, Napi::Object exports) {
  auto* waiters = new Waiters();
  napi_add_env_cleanup_hook(env, Teardown, waiters);
  exports.Set("futexUnsupported",
              kHaveFutex ? env.Null() : Napi::String::New(env, "futex(2) is Linux only: this build has none"));
  exports.Set("futexWait", Napi::Function::New(env, Wait));
  exports.Set("futexWake", Napi::Function::New(env, Wake));
  exports.Set("futexWaitAsync", Napi::Function::New(env, WaitAsync, "futexWaitAsync", waiters));
}

}  // namespace corelane::spsc::addon
