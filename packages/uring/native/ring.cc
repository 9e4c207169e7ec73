// IoRing's native object. The descriptor layout JS writes (8 float64 per op, see
// src/staging.ts) and the completion layout (2 float64 per completion: id, result) are the
// whole protocol; one N-API call submits a batch, one reaps a batch.
#include "ring.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "pool_backend.h"
#include "uring_backend.h"

#ifdef __linux__
#include <unistd.h>
#endif

namespace corelane_uring {

namespace {

constexpr size_t kStride = 8;  // float64 slots per op descriptor
constexpr unsigned kOwedWakes = 10'000;  // event-loop turns spent retrying what a backend owes
// Rounds one wake-up reaps again after clearing the eventfd, before it hands the thread back to
// libuv: ops that keep completing (a read loop at depth 32) must not starve timers and sockets.
constexpr int kWakeRounds = 4;

size_t ElementSize(napi_typedarray_type type) {
  switch (type) {
    case napi_int16_array:
    case napi_uint16_array:
      return 2;
    case napi_int32_array:
    case napi_uint32_array:
    case napi_float32_array:
      return 4;
    case napi_float64_array:
    case napi_bigint64_array:
    case napi_biguint64_array:
      return 8;
    default:
      return 1;
  }
}

// napi_is_arraybuffer is false for a SharedArrayBuffer, the one other kind of view buffer.
bool IsShared(napi_env env, napi_value buffer, bool* shared) {
  bool plain = false;
  if (napi_is_arraybuffer(env, buffer, &plain) != napi_ok) return false;
  *shared = !plain;
  return true;
}

// The bytes of a TypedArray or DataView right now (null and 0 once its buffer is detached);
// `shared`, when asked, says whether the buffer is a SharedArrayBuffer (not an ArrayBuffer).
bool ViewBytes(napi_env env, napi_value value, uint8_t** data, size_t* length, bool* shared = nullptr) {
  bool is = false;
  void* ptr = nullptr;
  napi_value buffer;
  size_t offset = 0;
  size_t count = 0;
  napi_typedarray_type type;
  // Tried first without napi_is_typedarray: it fails (napi_invalid_arg) for anything else.
  if (napi_get_typedarray_info(env, value, &type, &count, &ptr, &buffer, &offset) == napi_ok) {
    *data = static_cast<uint8_t*>(ptr);
    *length = count * ElementSize(type);
    return shared == nullptr || IsShared(env, buffer, shared);
  }
  if (napi_is_dataview(env, value, &is) == napi_ok && is) {
    if (napi_get_dataview_info(env, value, &count, &ptr, &buffer, &offset) != napi_ok) return false;
    *data = static_cast<uint8_t*>(ptr);
    *length = count;
    return shared == nullptr || IsShared(env, buffer, shared);
  }
  return false;
}

// Copies up to `bytes` of what the kernel read back into the views, in order. A view whose
// buffer was detached or shrunk meanwhile gets what still fits: never a write past its end.
void CopyBack(napi_env env, Op& op, size_t bytes) {
  for (Target& target : op.targets) {
    if (bytes == 0) break;
    size_t take = bytes < target.length ? bytes : target.length;
    uint8_t* data = nullptr;
    size_t length = 0;
    if (target.bounce != nullptr && ViewBytes(env, target.view.Value(), &data, &length) && data != nullptr) {
      std::memcpy(data, target.bounce, take < length ? take : length);
    }
    bytes -= take;
  }
}

}  // namespace

Napi::Function Ring::Define(Napi::Env env) {
  return DefineClass(env, "Ring",
                     {
                         InstanceMethod<&Ring::Info>("info"),
                         InstanceMethod<&Ring::Submit>("submit"),
                         InstanceMethod<&Ring::Reap>("reap"),
                         InstanceMethod<&Ring::Cancel>("cancel"),
                         InstanceMethod<&Ring::Close>("close"),
                         InstanceMethod<&Ring::RegisterFiles>("registerFiles"),
                         InstanceMethod<&Ring::RegisterBuffers>("registerBuffers"),
                         InstanceMethod<&Ring::ShareMemory>("shareMemory"),
                     });
}

// new Ring({ mode: 0 auto | 1 io_uring | 2 threadpool, entries, want, sqpollIdleMs, threads,
//            completions: Float64Array, onComplete(count) })
Ring::Ring(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Ring>(info), env_(info.Env()) {
  Napi::Env env = info.Env();
  Napi::Object options = info[0].As<Napi::Object>();
  int mode = options.Get("mode").As<Napi::Number>().Int32Value();
  auto entries = options.Get("entries").As<Napi::Number>().Uint32Value();
  auto want = options.Get("want").As<Napi::Number>().Uint32Value();
  auto idle = options.Get("sqpollIdleMs").As<Napi::Number>().Uint32Value();
  auto threads = options.Get("threads").As<Napi::Number>().Uint32Value();
  Napi::Float64Array completions = options.Get("completions").As<Napi::Float64Array>();
  completions_ = Napi::Persistent(completions);
  // Proof obligation (the address stays right): the array is the JS IoRing's own, never handed
  // out, transferred or resized, and held here until the Ring goes; its ArrayBuffer's memory
  // does not move while it lives. So it is looked up once, not at every reap (each lookup is an
  // N-API typed-array query).
  completions_data_ = completions.Data();
  completions_capacity_ = completions.ElementLength() / 2;
  on_complete_ = Napi::Persistent(options.Get("onComplete").As<Napi::Function>());
  on_complete_.Unref();  // weak while idle: the JS IoRing holds the function
  async_context_ = std::make_unique<Napi::AsyncContext>(env, "corelane:uring");
  StartWatching(env);
  uv_async_t* async = async_;
  auto wake = [async] { uv_async_send(async); };

  if (mode != 2) {
#ifdef CORELANE_HAVE_LIBURING
    auto uring = std::make_unique<UringBackend>(wake, ops_);
    int rc = uring->Init(entries, want, idle);
    notes_ = uring->notes();
    if (rc == 0) {
      Napi::Value faults = options.Get("faults");
      if (faults.IsTypedArray() && faults.As<Napi::TypedArray>().TypedArrayType() == napi_int32_array) {
        faults_ = Napi::Persistent(faults.As<Napi::Int32Array>());
        uring->SetFaults(faults_.Value().Data());
      }
      setup_flags_ = uring->setup_flags();
      features_ = uring->features();
      backend_name_ = "io_uring";
      backend_ = std::move(uring);
    } else if (mode == 1) {
      init_errno_ = -rc;
    } else {
      fallback_errno_ = -rc;
    }
#else
    fallback_errno_ = ENOSYS;
    if (mode == 1) init_errno_ = ENOSYS;
#endif
  }
  if (!backend_ && init_errno_ == 0) {
    backend_name_ = "threadpool";
    backend_ = std::make_unique<PoolBackend>(threads, wake);
  }
  if (backend_ && backend_->EventFd() >= 0) {
    poll_ = new uv_poll_t;
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(env, &loop);
    uv_poll_init(loop, poll_, backend_->EventFd());
    poll_->data = this;
    uv_poll_start(poll_, UV_READABLE, OnPoll);
    uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
  }
  napi_add_env_cleanup_hook(env, CleanupHook, this);
}

Ring::~Ring() {
  napi_remove_env_cleanup_hook(env_, CleanupHook, this);
  Teardown(false);
}

void Ring::CleanupHook(void* arg) { static_cast<Ring*>(arg)->Teardown(false); }

void Ring::StartWatching(Napi::Env env) {
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  async_ = new uv_async_t;
  uv_async_init(loop, async_, OnAsync);
  async_->data = this;
  uv_unref(reinterpret_cast<uv_handle_t*>(async_));
}

Napi::Value Ring::Info(const Napi::CallbackInfo& info) {
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("backend", backend_name_);
  out.Set("initErrno", init_errno_);
  out.Set("fallbackErrno", fallback_errno_);
  out.Set("notes", notes_);
  out.Set("setupFlags", setup_flags_);
  out.Set("features", features_);
  return out;
}

// (op descriptor slots, the refs array, the op's first ref slot) -> 0 or -EINVAL. Bounce memory
// is allocated and write data copied here, on the ring's thread, so the kernel never touches
// memory JS can free or move. A ref is read only by the ops that use it.
int Ring::Parse(Napi::Env env, const double* d, Napi::Array refs, uint32_t index, Op& op) {
  op.id = static_cast<uint32_t>(d[0]);
  op.code = static_cast<OpCode>(static_cast<int32_t>(d[1]));
  op.flags = static_cast<uint32_t>(d[2]);
  op.fd = static_cast<int32_t>(d[3]);
  op.offset = static_cast<int64_t>(d[4]);
  op.length = static_cast<int64_t>(d[5]);
  op.a1 = static_cast<int32_t>(d[6]);
  op.a2 = static_cast<int32_t>(d[7]);
  bool shared_view = (op.flags & kSharedView) != 0;
  if (shared_view && (op.code == OpCode::kRead || op.code == OpCode::kWrite)) {
    // The view's bytes from the shared-memory table: no ref, no N-API call. JS checked that the
    // view holds op.length bytes from that offset; a SharedArrayBuffer cannot shrink.
    auto slot = static_cast<uint32_t>(op.a1);
    if (slot >= shared_bases_.size() || !(d[7] >= 0)) return -EINVAL;
    op.data = shared_bases_[slot] + static_cast<size_t>(d[7]);
    return 0;
  }
  // Only statx and rename use the second ref: one array lookup fewer for every other op.
  Napi::Value r0 = refs.Get(index);
  Napi::Value r1 = op.code == OpCode::kStatx || op.code == OpCode::kRename ? refs.Get(index + 1) : env.Undefined();
  switch (op.code) {  // only these take paths: no type checks on the per-read path
    case OpCode::kOpen:
    case OpCode::kStatx:
    case OpCode::kUnlink:
    case OpCode::kRename:
    case OpCode::kMkdir:
      if (r0.IsString()) op.path = r0.As<Napi::String>().Utf8Value();
      if (r1.IsString()) op.path2 = r1.As<Napi::String>().Utf8Value();
      break;
    default:
      break;
  }
  switch (op.code) {
    case OpCode::kRead:
    case OpCode::kWrite: {
      uint8_t* data = nullptr;
      size_t length = 0;
      bool shared = false;
      if (!ViewBytes(env, r0, &data, &length, &shared) || static_cast<size_t>(op.length) > length) return -EINVAL;
      // A SharedArrayBuffer can be neither detached nor shrunk: the kernel uses it in place.
      if (shared || (op.flags & kFixedBuffer) != 0) {
        // No reference from here: JS holds the view in the op's pending record until this
        // completion has been reaped (or until close() has waited for the kernel to let go),
        // and a SharedArrayBuffer can be neither detached nor shrunk meanwhile.
        op.data = data;
        break;
      }
      op.memory = AllocateAligned(static_cast<size_t>(op.length));
      op.data = op.memory.get();
      if (op.code == OpCode::kWrite) {
        std::memcpy(op.data, data, static_cast<size_t>(op.length));
      } else {
        op.targets.push_back({Napi::Persistent(r0), op.data, static_cast<size_t>(op.length)});
      }
      break;
    }
#ifdef __linux__
    case OpCode::kReadv:
    case OpCode::kWritev: {
      Napi::Array views = r0.As<Napi::Array>();
      op.memory = AllocateAligned(static_cast<size_t>(op.length));
      size_t at = 0;
      for (uint32_t i = 0; i < views.Length(); i++) {
        Napi::Value view = views.Get(i);
        uint8_t* data = nullptr;
        size_t length = 0;
        if (!ViewBytes(env, view, &data, &length) || at + length > static_cast<size_t>(op.length)) return -EINVAL;
        if (op.code == OpCode::kWritev) {
          if (length > 0) std::memcpy(op.memory.get() + at, data, length);
        } else {
          op.targets.push_back({Napi::Persistent(view), op.memory.get() + at, length});
        }
        op.iov.push_back({op.memory.get() + at, length});
        at += length;
      }
      break;
    }
    case OpCode::kStatx: {
      uint8_t* data = nullptr;
      size_t length = 0;
      if (!ViewBytes(env, r1, &data, &length) || length < sizeof(struct statx)) return -EINVAL;
      op.targets.push_back({Napi::Persistent(r1), reinterpret_cast<uint8_t*>(&op.stx), sizeof(struct statx)});
      break;
    }
#endif
    default:
      break;
  }
  return 0;
}

// (descriptors: Float64Array, refs: unknown[] (2 per op), count) -> ops handed to the backend,
// or -errno when the call itself is wrong. Ops chained with kLinkNext are queued as one unit.
//
// An op that cannot run (JS refused it, Parse refused it, or its chain found no room) never
// reaches the backend, and as the kernel does for a link that fails, the ops linked after it
// complete with -ECANCELED without running; the ops linked before it still run, as a chain
// that ends before it. Every other op of the call is unaffected. All of these are settled
// before Submit returns, with the completions the submit itself produced.
Napi::Value Ring::Submit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) return Napi::Number::New(env, -EBADF);
  Napi::Float64Array desc = info[0].As<Napi::Float64Array>();
  Napi::Array refs = info[1].As<Napi::Array>();
  size_t count = info[2].As<Napi::Number>().Uint32Value();
  if (count * kStride > desc.ElementLength()) return Napi::Number::New(env, -EINVAL);
  chain_.clear();
  size_t queued = 0;
  bool skipping = false;  // in the rest of a chain one of whose ops was refused
  for (size_t i = 0; i < count; i++) {
    auto index = static_cast<uint32_t>(i * 2);
    const double* d = desc.Data() + i * kStride;
    auto id = static_cast<uint32_t>(d[0]);
    auto code = static_cast<OpCode>(static_cast<int32_t>(d[1]));
    bool links = (static_cast<uint32_t>(d[2]) & kLinkNext) != 0;
    if (skipping) {
      Refuse(id, -ECANCELED);
      skipping = links;
      continue;
    }
    int32_t refusal = 0;
    Op* op = nullptr;
    if (code == OpCode::kRefused) {
      refusal = kRefusedResult - ECANCELED;  // JS knows why; the value only says "refused"
    } else if ((op = ops_.Add(id)) == nullptr) {
      refusal = kRefusedResult - EEXIST;  // an id still in use: JS frees an id only once its op is gone
    } else {
      int rc = Parse(env, d, refs, index, *op);
      if (rc < 0) {
        ops_.Remove(id);
        refusal = kRefusedResult + rc;
      }
    }
    if (refusal != 0) {
      if (!chain_.empty()) {
        chain_.back()->flags &= ~(kLinkNext | kSkipSuccess);  // now the last of its chain: it posts
        queued += QueueChain();
      }
      Refuse(id, refusal);
      skipping = links;
      continue;
    }
    chain_.push_back(op);
    if (links && i + 1 < count) continue;
    queued += QueueChain();
  }
  bool submitted = queued > 0;
  if (submitted && backend_->Submit() < 0) queued = 0;  // its ops complete as refused (Reap)
  UpdateRef();
  // Ops that completed during the submit, and the refused ones, are settled now, without a trip
  // through libuv. Those completions signalled the eventfd; left so, libuv would wake at once to
  // find nothing (a WAL's write completes inline, its fdatasync in io-wq later: two wakes per
  // append). So the eventfd is cleared and what is ready reaped again; inside OnWake, OnWake
  // does that once for every submit its callbacks made.
  if (submitted || refused_head_ < refused_.size()) {
    size_t done = SettleReady(env);
    if (env.IsExceptionPending()) return env.Undefined();  // onComplete threw: it reaches JS
    if (submitted && done > 0) {
      if (in_wake_) {
        settled_inline_ = true;
      } else if (ClearWake()) {
        SettleReady(env);
      }
    }
  }
  return Napi::Number::New(env, static_cast<double>(queued));
}

// Reaps and settles (calls JS) until a reap comes back short of a full array; -> how many.
size_t Ring::SettleReady(Napi::Env env) {
  size_t capacity = completions_capacity_;
  size_t total = 0;
  for (;;) {
    size_t done = ReapInto();
    total += done;
    if (done > 0 && !CallOnComplete(env, done)) return total;
    if (done < capacity) return total;
  }
}

// Calls JS's onComplete(count); -> false when it did not return: it threw (the exception stays
// pending, for the JS caller of this native call), or the thread is being terminated and runs
// no JS. Never throws from here: node-addon-api's Call() would, and a throw while the thread
// terminates is a fatal error (napi_throw fails), which a worker.terminate() during I/O hit.
bool Ring::CallOnComplete(Napi::Env env, size_t count) {
  napi_value argv[1] = {Napi::Number::New(env, static_cast<double>(count))};
  napi_value result = nullptr;
  return napi_call_function(env, env.Undefined(), on_complete_.Value(), 1, argv, &result) == napi_ok;
}

// Clears the eventfd; -> whether it was signalled (and completions may be ready to reap).
//
// Proof obligation (no completion loses its wake-up): the kernel posts a CQE (a release store
// of the CQ tail) and only then signals the eventfd, under the eventfd's lock; read(2) takes
// that lock too. So a CQE whose signal this read consumed is visible to the reap that follows
// it, which the caller always does when this returns true; a CQE signalled after the read
// leaves the eventfd readable, and libuv wakes for it. With DEFER_TASKRUN the signal may stand
// for task work not run yet: the kernel sets IORING_SQ_TASKRUN before it signals, and Reap()
// runs that work when it sees the flag. A CQE is reaped once: the CQ head moves past it.
bool Ring::ClearWake() {
#ifdef __linux__
  int fd = backend_ ? backend_->EventFd() : -1;
  if (fd < 0) return false;  // the thread pool wakes libuv with uv_async_send: nothing to clear
  uint64_t count = 0;
  return read(fd, &count, sizeof(count)) == static_cast<ssize_t>(sizeof(count));  // EAGAIN: not signalled
#else
  return false;
#endif
}

// Hands chain_ to the backend (submitting what is queued once when the queue is full) and
// empties it; -> how many ops went. A chain with no room fails whole, as refused.
size_t Ring::QueueChain() {
  int rc = backend_->Queue(chain_);
  if (rc == -EBUSY) {
    backend_->Submit();
    rc = backend_->Queue(chain_);
  }
  size_t queued = chain_.size();
  if (rc < 0) {
    for (Op* op : chain_) {
      uint32_t id = op->id;
      ops_.Remove(id);
      Refuse(id, kRefusedResult + rc);
    }
    queued = 0;
  }
  chain_.clear();
  return queued;
}

void Ring::Refuse(uint32_t id, int32_t result) { refused_.emplace_back(id, result); }

// Writes refused ops' (id, result) pairs first, up to `capacity`; -> how many.
size_t Ring::DeliverRefused(double* out, size_t capacity) {
  size_t written = 0;
  while (written < capacity && refused_head_ < refused_.size()) {
    out[written * 2] = refused_[refused_head_].first;
    out[written * 2 + 1] = refused_[refused_head_].second;
    refused_head_++;
    written++;
  }
  if (refused_head_ == refused_.size()) {
    refused_.clear();
    refused_head_ = 0;
  }
  return written;
}

Napi::Value Ring::Reap(const Napi::CallbackInfo& info) {
  if (closed_) return Napi::Number::New(info.Env(), 0);
  return Napi::Number::New(info.Env(), static_cast<double>(ReapInto()));
}

// Reaps what is ready into the completion array: refused ops first, then the backend's.
size_t Ring::ReapInto() {
  size_t capacity = completions_capacity_;
  size_t written = refused_head_ < refused_.size() ? DeliverRefused(completions_data_, capacity) : 0;
  scratch_.clear();
  if (written < capacity) backend_->Reap(scratch_, capacity - written);
  return Deliver(written);
}

// Writes scratch_ as (id, result) pairs after the first `written` (as many as the array holds),
// copying read bytes back first; frees every op in scratch_, reported or not.
size_t Ring::Deliver(size_t written) {
  size_t capacity = completions_capacity_;
  double* out = completions_data_;
  for (const Completion& c : scratch_) {
    Op* op = c.op;
    if (written < capacity) {
      if (c.result > 0 && op->code != OpCode::kStatx) CopyBack(env_, *op, static_cast<size_t>(c.result));
      if (c.result == 0 && op->code == OpCode::kStatx) CopyBack(env_, *op, op->targets[0].length);
      out[written * 2] = op->id;
      out[written * 2 + 1] = c.result;
      written++;
    }
    ops_.Remove(op->id);
  }
  scratch_.clear();
  UpdateRef();
  return written;
}

Napi::Value Ring::Cancel(const Napi::CallbackInfo& info) {
  auto id = info[0].As<Napi::Number>().Uint32Value();
  Op* op = ops_.Find(id);  // JS cancels only an op it has not settled: the id is still its op's
  if (closed_ || op == nullptr) return Napi::Number::New(info.Env(), -ENOENT);
  backend_->Cancel(op);
  if (backend_->Owed()) uv_async_send(async_);  // retried from the event loop (OnWake)
  return Napi::Number::New(info.Env(), 0);
}

// -> how many (id, result) pairs of ops that finished during the shutdown were written; the
// ops not reported were cancelled or are unknown, and JS rejects them.
Napi::Value Ring::Close(const Napi::CallbackInfo& info) {
  if (closed_) return Napi::Number::New(info.Env(), 0);
  Napi::HandleScope scope(info.Env());
  return Napi::Number::New(info.Env(), static_cast<double>(Teardown(true)));
}

Napi::Value Ring::RegisterFiles(const Napi::CallbackInfo& info) {
  if (closed_) return Napi::Number::New(info.Env(), -EBADF);
  Napi::Int32Array fds = info[0].As<Napi::Int32Array>();
  std::vector<int> list(fds.Data(), fds.Data() + fds.ElementLength());
  return Napi::Number::New(info.Env(), backend_->RegisterFiles(list));
}

// (views: Uint8Array[] over SharedArrayBuffers) -> 0 or -errno. The views stay referenced
// until close(): registered memory must outlive the ring.
Napi::Value Ring::RegisterBuffers(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) return Napi::Number::New(env, -EBADF);
  Napi::Array views = info[0].As<Napi::Array>();
  std::vector<std::pair<uint8_t*, size_t>> buffers;
  for (uint32_t i = 0; i < views.Length(); i++) {
    uint8_t* data = nullptr;
    size_t length = 0;
    if (!ViewBytes(env, views.Get(i), &data, &length)) return Napi::Number::New(env, -EINVAL);
    buffers.emplace_back(data, length);
  }
  int rc = backend_->RegisterBuffers(buffers);
  if (rc == 0) {
    for (uint32_t i = 0; i < views.Length(); i++) registered_buffers_.push_back(Napi::Persistent(views.Get(i)));
  }
  return Napi::Number::New(env, rc);
}

// (index, view: Uint8Array over a SharedArrayBuffer) -> 0, or -EINVAL: not such a view. Stores
// the base address of the view's buffer under `index` (src/shared-memory.ts).
Napi::Value Ring::ShareMemory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) return Napi::Number::New(env, -EBADF);
  auto slot = info[0].As<Napi::Number>().Uint32Value();
  napi_typedarray_type type;
  size_t count = 0;
  void* data = nullptr;
  napi_value buffer;
  size_t offset = 0;
  bool shared = false;
  if (slot >= (1u << 20) ||
      napi_get_typedarray_info(env, info[1], &type, &count, &data, &buffer, &offset) != napi_ok ||
      !IsShared(env, buffer, &shared) || !shared) {
    return Napi::Number::New(env, -EINVAL);
  }
  if (slot >= shared_bases_.size()) shared_bases_.resize(slot + 1, nullptr);
  shared_bases_[slot] = static_cast<uint8_t*>(data) - offset;
  return Napi::Number::New(env, 0);
}

// While ops are in flight the watched handles keep the thread's event loop alive and the JS
// callback strongly referenced; when none are, neither holds anything.
void Ring::UpdateRef() {
  bool want = !ops_.empty() && !closed_;
  if (want == referenced_) return;
  referenced_ = want;
  auto apply = [want](uv_handle_t* handle) {
    if (handle == nullptr) return;
    if (want) {
      uv_ref(handle);
    } else {
      uv_unref(handle);
    }
  };
  apply(reinterpret_cast<uv_handle_t*>(poll_));
  apply(reinterpret_cast<uv_handle_t*>(async_));
  if (want) {
    on_complete_.Ref();
  } else {
    on_complete_.Unref();
  }
}

void Ring::OnPoll(uv_poll_t* handle, int status, int) {
  auto* ring = static_cast<Ring*>(handle->data);
  if (ring == nullptr || status < 0) return;
#ifdef __linux__
  uint64_t count = 0;
  ssize_t ignored = read(ring->backend_->EventFd(), &count, sizeof(count));  // clear it, then reap
  (void)ignored;
#endif
  ring->OnWake();
}

void Ring::OnAsync(uv_async_t* handle) {
  auto* ring = static_cast<Ring*>(handle->data);
  if (ring != nullptr) ring->OnWake();
}

void Ring::OnWake() {
  napi_handle_scope scope;
  if (napi_open_handle_scope(env_, &scope) != napi_ok) return;
  // A cancel that found no room in the queue is retried once per turn of the event loop, with
  // a budget: past it, it waits for the next submit or cancel, which retry it first.
  if (!closed_ && backend_->Owed()) backend_->Submit();
  in_wake_ = true;
  // Signals of completions this loop reaps anyway are held back until it ends.
  bool held = !closed_ && backend_->HoldWakes();
  int rounds = 0;
  while (!closed_) {
    size_t count = ReapInto();
    if (count == 0) break;
    size_t capacity = completions_capacity_;
    napi_value argv[1];
    napi_value result;
    napi_value recv = Value();
    napi_create_double(env_, static_cast<double>(count), &argv[0]);
    napi_status status =
        napi_make_callback(env_, async_context_->operator napi_async_context(), recv, on_complete_.Value(), 1, argv, &result);
    if (status != napi_ok) {
      // The thread is terminating (worker.terminate()), or the callback threw: hand the error
      // to Node's uncaught-exception path when there is one, and stop for this wake-up.
      bool pending = false;
      if (napi_is_exception_pending(env_, &pending) == napi_ok && pending) {
        napi_value error;
        napi_valuetype type = napi_undefined;
        if (napi_get_and_clear_last_exception(env_, &error) == napi_ok && napi_typeof(env_, error, &type) == napi_ok &&
            type == napi_object) {
          napi_fatal_exception(env_, error);  // a termination has no exception object: dropped
        }
      }
      break;
    }
    if (count == capacity) continue;
    // A submit of the callbacks settled completions it made, which signalled the eventfd: clear
    // it and reap once more, rather than return to libuv only to be woken at once for them.
    // With the signals held, the ring itself says whether more is ready.
    if (!settled_inline_ || rounds++ >= kWakeRounds) break;
    settled_inline_ = false;
    if (closed_ || !(held ? backend_->Ready() : ClearWake())) break;
  }
  if (held && !closed_) backend_->ReleaseWakes();
  in_wake_ = false;
  settled_inline_ = false;
  if (!closed_ && backend_->Owed()) {
    if (owed_wakes_++ < kOwedWakes) uv_async_send(async_);
  } else {
    owed_wakes_ = 0;
  }
  napi_close_handle_scope(env_, scope);
}

// Reports what finished before or during the shutdown (in scratch_), however much: each time
// the completion array is full JS is called to settle it, and the count of the last, partial
// array is returned. -> that count (always less than the array holds), so every op the backend
// gave back is reported and the ops JS still holds are those it never gave back.
size_t Ring::DeliverFinished() {
  std::vector<Completion> finished;
  finished.swap(scratch_);
  size_t capacity = completions_capacity_;
  size_t at = 0;
  for (;;) {
    size_t written = DeliverRefused(completions_data_, capacity);
    size_t take = std::min(capacity - written, finished.size() - at);
    scratch_.assign(finished.begin() + static_cast<std::ptrdiff_t>(at),
                    finished.begin() + static_cast<std::ptrdiff_t>(at + take));
    at += take;
    written = Deliver(written);
    if (written < capacity) return written;
    if (!CallOnComplete(env_, written)) return 0;
  }
}

size_t Ring::Teardown(bool report) {
  if (closed_) return 0;
  closed_ = true;
  size_t written = 0;
  if (backend_) {
    scratch_.clear();
    backend_->Shutdown(scratch_);  // returns only once the kernel / pool let go of every op
    if (report) {
      written = DeliverFinished();
    } else {
      for (const Completion& c : scratch_) ops_.Remove(c.op->id);
      scratch_.clear();
    }
    backend_.reset();
  }
  // Ops still here were never given back by the kernel: leak them rather than free memory
  // it might still write into.
  ops_.Abandon();
  UpdateRef();
  // Proof obligation (a close callback must be code that is still loaded when it runs): close()
  // from JS (`report`) runs with the thread's loop turning, so the callbacks that free the handles
  // run soon, in this addon. Torn down by the environment's cleanup hook or the finalizer, the
  // thread may be ending: Node runs its loop's closing handles after it unloaded this addon, and a
  // callback here would jump into unmapped code (a worker terminated during I/O crashed so). Then
  // the handles are closed with no callback and their memory, a few hundred bytes, is left.
  uv_close_cb free_poll = nullptr;
  uv_close_cb free_async = nullptr;
  if (report) {
    free_poll = [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); };
    free_async = [](uv_handle_t* h) { delete reinterpret_cast<uv_async_t*>(h); };
  }
  if (poll_ != nullptr) {
    poll_->data = nullptr;
    uv_poll_stop(poll_);
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), free_poll);
    poll_ = nullptr;
  }
  if (async_ != nullptr) {
    async_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(async_), free_async);
    async_ = nullptr;
  }
  registered_buffers_.clear();
  return written;
}

}  // namespace corelane_uring
