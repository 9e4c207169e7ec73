// @corelane/uring native entry: the Ring class, and a probe capabilities() uses to learn,
// without keeping a ring, whether this kernel lets the process set one up.
#include <napi.h>

#include <cerrno>

#include "ring.h"

#ifdef CORELANE_HAVE_LIBURING
#include <liburing.h>
#endif

namespace {

// -> 0 when io_uring_queue_init works here, else the positive errno it failed with.
Napi::Value ProbeIoUring(const Napi::CallbackInfo& info) {
#ifdef CORELANE_HAVE_LIBURING
  io_uring ring{};
  int rc = io_uring_queue_init(2, &ring, 0);
  if (rc == 0) io_uring_queue_exit(&ring);
  return Napi::Number::New(info.Env(), -rc);
#else
  return Napi::Number::New(info.Env(), ENOSYS);
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
#ifdef CORELANE_HAVE_LIBURING
  exports.Set("builtWithLiburing", true);
#else
  exports.Set("builtWithLiburing", false);
#endif
#ifdef __linux__
  exports.Set("statxSize", Napi::Number::New(env, static_cast<double>(sizeof(struct statx))));
#else
  exports.Set("statxSize", Napi::Number::New(env, 0));
#endif
  exports.Set("probeIoUring", Napi::Function::New(env, ProbeIoUring));
  exports.Set("Ring", corelane_uring::Ring::Define(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(corelane_uring, Init)
