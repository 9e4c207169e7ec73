// What a Ring needs from the engine that runs its ops: io_uring (uring_backend.cc) or a pool of
// native threads (pool_backend.cc). Every method is called on the ring's own thread; a backend
// tells that thread it has completions through `wake`, which the Ring wires to libuv.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "op.h"

namespace corelane_uring {

struct Completion {
  Op* op;
  int32_t result;  // >= 0 on success, -errno on failure
};

class Backend {
 public:
  virtual ~Backend() = default;
  // Takes a chain of ops (one op, or ops linked with kLinkNext) for the next Submit().
  // -EBUSY when the submission queue has no room left for the whole chain.
  virtual int Queue(const std::vector<Op*>& chain) = 0;
  // Hands everything queued to the kernel / the pool. Returns how many ops went, or -errno.
  // Ops it could not hand over complete (Reap) with kRefusedResult - errno: none waits forever.
  virtual int Submit() = 0;
  // Asks for an op in flight to stop; it still completes (with -ECANCELED when it did stop).
  virtual void Cancel(Op* op) = 0;
  // Whether it holds work it could not hand to the kernel yet (a cancel that found no room in
  // the queue), which the next Submit() retries, or completions no wake-up announces (ops a
  // failed submit took back), which the next Reap() hands out.
  virtual bool Owed() const { return false; }
  // Holds back the backend's wake-up signal while the ring's thread reaps anyway (OnWake);
  // -> whether it did. ReleaseWakes() ends it, and what completes after it signals again.
  virtual bool HoldWakes() { return false; }
  virtual void ReleaseWakes() {}
  // While wakes are held: whether completions (or the work that makes them) are waiting.
  virtual bool Ready() const { return false; }
  // Moves up to `max` completions into `out`, without blocking.
  virtual void Reap(std::vector<Completion>& out, size_t max) = 0;
  // The fd libuv should watch for completions, or -1 when the backend wakes libuv itself.
  virtual int EventFd() const = 0;
  // Cancels what it can and waits until the kernel / the pool has let go of every op.
  virtual void Shutdown(std::vector<Completion>& out) = 0;
  // Registered buffers/files: 0 or -errno (-EOPNOTSUPP when the backend has none to register).
  virtual int RegisterFiles(const std::vector<int>& fds) = 0;
  virtual int RegisterBuffers(const std::vector<std::pair<uint8_t*, size_t>>& buffers) = 0;
};

}  // namespace corelane_uring
