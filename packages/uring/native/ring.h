// The native half of IoRing: parses batches of op descriptors written by JS, hands them to a
// backend, and on libuv's wake-up reaps completions into a Float64Array JS reads, then calls
// JS once per batch. Only the thread that created it ever touches it.
#pragma once

#include <napi.h>
#include <uv.h>

#include <memory>
#include <string>
#include <vector>

#include "backend.h"
#include "op_table.h"

namespace corelane_uring {

class Ring : public Napi::ObjectWrap<Ring> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Ring(const Napi::CallbackInfo& info);
  ~Ring() override;

 private:
  Napi::Value Info(const Napi::CallbackInfo& info);
  Napi::Value Submit(const Napi::CallbackInfo& info);
  Napi::Value Reap(const Napi::CallbackInfo& info);
  Napi::Value Cancel(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value RegisterFiles(const Napi::CallbackInfo& info);
  Napi::Value RegisterBuffers(const Napi::CallbackInfo& info);
  Napi::Value ShareMemory(const Napi::CallbackInfo& info);

  int Parse(Napi::Env env, const double* d, Napi::Array refs, uint32_t index, Op& op);
  size_t QueueChain();
  void Refuse(uint32_t id, int32_t result);
  size_t DeliverRefused(double* out, size_t capacity);
  void StartWatching(Napi::Env env);
  static void OnPoll(uv_poll_t* handle, int status, int events);
  static void OnAsync(uv_async_t* handle);
  void OnWake();
  bool ClearWake();
  size_t SettleReady(Napi::Env env);
  bool CallOnComplete(Napi::Env env, size_t count);
  size_t ReapInto();
  size_t Deliver(size_t written);
  size_t DeliverFinished();
  void UpdateRef();
  size_t Teardown(bool report);
  static void CleanupHook(void* arg);

  napi_env env_;
  OpTable ops_;  // before backend_: the io_uring backend resolves tags through it
  std::string backend_name_;
  int fallback_errno_ = 0;  // why io_uring was not used (0: it was, or it was not asked for)
  int init_errno_ = 0;      // io_uring was demanded and refused
  std::string notes_;
  uint32_t setup_flags_ = 0;
  uint32_t features_ = 0;
  std::unique_ptr<Backend> backend_;
  unsigned owed_wakes_ = 0;  // wake-ups spent retrying work the backend still owes
  std::vector<Completion> scratch_;
  std::vector<Op*> chain_;  // the linked chain Submit() is gathering
  // (id, result) of ops that never reached a backend, settled before any reaped completion.
  std::vector<std::pair<uint32_t, int32_t>> refused_;
  size_t refused_head_ = 0;
  Napi::Reference<Napi::Float64Array> completions_;
  double* completions_data_ = nullptr;  // completions_'s elements, (id, result) pairs
  size_t completions_capacity_ = 0;     // how many pairs it holds
  Napi::FunctionReference on_complete_;
  std::unique_ptr<Napi::AsyncContext> async_context_;
  std::vector<Napi::Reference<Napi::Value>> registered_buffers_;
  // Base addresses of SharedArrayBuffers, by the index JS gave each (src/shared-memory.ts). No
  // reference: an op naming one holds a view of it in JS until the op is gone.
  std::vector<uint8_t*> shared_bases_;
  Napi::Reference<Napi::Int32Array> faults_;  // the tests' fault injection (src/faults.ts), if any
  uv_poll_t* poll_ = nullptr;
  uv_async_t* async_ = nullptr;
  bool referenced_ = false;
  bool closed_ = false;
  bool in_wake_ = false;        // OnWake is running (a submit from its callbacks leaves the clearing to it)
  bool settled_inline_ = false;  // a submit during OnWake settled completions it made: the eventfd was signalled
};

}  // namespace corelane_uring
