// The addon: runs a native producer or consumer thread on a ring (a workload from workload.h)
// and reports its count and checksum. It exists for tests, for the benchmark and for packages
// that deliver native results through a ring; the rings themselves need no native code.
//
// JS validates every argument first (src/native-thread.ts). start() returns a positive handle,
// -1 when the buffer is not a ring of that kind, -2 when the role is taken. The futex calls a JS
// side sleeps with are in futex.cc; Init() here registers both.
#include <napi.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "workload.h"

namespace {

using corelane::spsc::ElementType;
using corelane::spsc::Kind;
using corelane::spsc::Ring;
namespace workload = corelane::spsc::workload;

struct Job {
  Napi::Reference<Napi::Int32Array> keep_alive;  // keeps the SharedArrayBuffer's memory alive
  std::thread thread;
  std::atomic<bool> done{false};
  workload::Result result;
};

struct State {
  std::mutex mutex;
  std::map<uint32_t, std::unique_ptr<Job>> jobs;
  uint32_t next_id = 1;
  std::atomic<bool> stop{false};
};

workload::Result run(Ring ring, workload::Spec spec, uint32_t token, const std::atomic<bool>& stop) {
  workload::Runner runner(spec, stop);
  workload::Result result;
  if (ring.kind == Kind::kByte) {
    result = runner.bytes(ring);
  } else if (ring.element == ElementType::kInt32) {
    result = runner.slot<int32_t>(ring);
  } else if (ring.element == ElementType::kFloat64) {
    result = runner.slot<double>(ring);
  } else {
    result = runner.slot<int64_t>(ring);
  }
  // The peer must see the close: wake it whether or not it sleeps (P2-P3 of a close, wait.h).
  if (corelane::spsc::release_role(ring, spec.producer, token)) corelane::spsc::wake_side(ring, !spec.producer);
  return result;
}

// start(view: Int32Array over the whole ring, kind, producer, count, publishEvery, timeoutMs, fixedLength,
//       maxLength, lockstep)
Napi::Value Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  State* state = env.GetInstanceData<State>();
  // The data pointer comes from the typed array itself: napi_get_arraybuffer_info refuses a
  // SharedArrayBuffer, napi_get_typedarray_info does not.
  auto view = info[0].As<Napi::Int32Array>();
  auto* base = reinterpret_cast<uint8_t*>(view.Data());
  const auto kind = static_cast<Kind>(info[1].As<Napi::Number>().Uint32Value());
  workload::Spec spec;
  spec.producer = info[2].As<Napi::Boolean>().Value();
  spec.count = info[3].As<Napi::Number>().DoubleValue();
  spec.publish_every = info[4].As<Napi::Number>().Uint32Value();
  spec.timeout_ms = info[5].As<Napi::Number>().DoubleValue();
  spec.fixed_length = info[6].As<Napi::Number>().Int32Value();
  spec.max_length = info[7].As<Napi::Number>().Uint32Value();
  spec.lockstep = info[8].As<Napi::Boolean>().Value();

  Ring ring;
  if (corelane::spsc::validate(base, view.ByteLength(), kind, ring) != nullptr) return Napi::Number::New(env, -1);
  uint32_t token = 0;
  if (!corelane::spsc::claim_role(ring, spec.producer, token)) return Napi::Number::New(env, -2);

  auto job = std::make_unique<Job>();
  job->keep_alive = Napi::Persistent(view);
  Job* raw = job.get();
  raw->thread = std::thread([raw, ring, spec, token, state] {
    raw->result = run(ring, spec, token, state->stop);
    raw->done.store(true, std::memory_order_release);
  });
  std::lock_guard<std::mutex> lock(state->mutex);
  const uint32_t id = state->next_id++;
  state->jobs.emplace(id, std::move(job));
  return Napi::Number::New(env, id);
}

// done(handle): true once the thread finished (join() will not block).
Napi::Value Done(const Napi::CallbackInfo& info) {
  State* state = info.Env().GetInstanceData<State>();
  std::lock_guard<std::mutex> lock(state->mutex);
  auto it = state->jobs.find(info[0].As<Napi::Number>().Uint32Value());
  return Napi::Boolean::New(info.Env(), it == state->jobs.end() || it->second->done.load(std::memory_order_acquire));
}

// join(handle): waits for the thread, forgets it, returns { count, checksum, errors, elapsedNs, timedOut } or null.
Napi::Value Join(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  State* state = env.GetInstanceData<State>();
  std::unique_ptr<Job> job;
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    auto it = state->jobs.find(info[0].As<Napi::Number>().Uint32Value());
    if (it == state->jobs.end()) return env.Null();
    job = std::move(it->second);
    state->jobs.erase(it);
  }
  job->thread.join();
  Napi::Object out = Napi::Object::New(env);
  out.Set("count", job->result.count);
  out.Set("checksum", job->result.checksum);
  out.Set("errors", job->result.errors);
  out.Set("elapsedNs", job->result.elapsed_ns);
  out.Set("timedOut", job->result.timed_out);
  return out;
}

// When the thread that loaded the addon ends, stop and join every native thread still running.
void Teardown(Napi::Env, State* state) {
  state->stop.store(true);
  for (auto& entry : state->jobs) {
    if (entry.second->thread.joinable()) entry.second->thread.join();
  }
  delete state;
}

}  // namespace

namespace corelane::spsc::addon {
void RegisterFutex(Napi::Env env, Napi::Object exports);
void RegisterLayout(Napi::Env env, Napi::Object exports);
}

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData<State, Teardown>(new State());
  corelane::spsc::addon::RegisterFutex(env, exports);
  corelane::spsc::addon::RegisterLayout(env, exports);
  exports.Set("start", Napi::Function::New(env, Start));
  exports.Set("done", Napi::Function::New(env, Done));
  exports.Set("join", Napi::Function::New(env, Join));
  return exports;
}

}  // namespace

NODE_API_MODULE(corelane_spsc, Init)
