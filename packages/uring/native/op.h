// One file operation in flight: what JS asked for, the memory the kernel (or a pool thread) reads
// or writes, and the result. An Op is created on the ring's thread, owned by the Ring until its
// completion has been reaped there, and only then freed: the kernel never sees freed memory.
#pragma once

#include <napi.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#ifdef __linux__
#include <linux/time_types.h>
#include <sys/stat.h>
#include <sys/uio.h>
#endif

namespace corelane_uring {

// The operation codes JS writes into the descriptor array (src/opcodes.ts mirrors them).
enum class OpCode : int32_t {
  kNop = 0,
  kOpen = 1,
  kClose = 2,
  kRead = 3,
  kWrite = 4,
  kReadv = 5,
  kWritev = 6,
  kFsync = 7,
  kStatx = 8,
  kUnlink = 9,
  kRename = 10,
  kMkdir = 11,
  kFtruncate = 12,
  kFallocate = 13,
  kTimeout = 14,
  kLinkTimeout = 15,  // cancels the op linked before it if that op runs past `length` ns
  kRefused = 16,      // JS refused it before the submit (see Ring::Submit): it never runs
};

// A completion result at or below this says the op never reached the kernel: it was refused
// before (the Ring's Parse, or JS) or its submit failed; kRefused - result is the errno why.
// Ordinary results are >= -4095 (-errno), so the two never meet.
constexpr int32_t kRefusedResult = -(1 << 16);

// Per-op flags JS writes into the descriptor (src/opcodes.ts mirrors them).
enum OpFlags : uint32_t {
  kLinkNext = 1u << 0,   // the next op runs only if this one succeeds (IOSQE_IO_LINK)
  // A read/write over a SharedArrayBuffer JS entered in the Ring's shared-memory table
  // (src/shared-memory.ts): a1 is its index there, a2 the view's byte offset; the ref is unused.
  kSharedView = 1u << 1,
  kFixedFile = 1u << 2,  // fd is an index into the registered files
  kFixedBuffer = 1u << 3,  // a1 is the index of a registered buffer the view lies in
  kDrain = 1u << 4,        // starts only after every op submitted before it completed (IOSQE_IO_DRAIN)
  // A non-final link of a quiet chain (IoRing({ quietLinks: true })): it posts a CQE only when it
  // fails or is short (IOSQE_CQE_SKIP_SUCCESS); the io_uring backend infers its success from the
  // chain's next completion (uring_backend.cc, TakeCompletion). The pool ignores it.
  kSkipSuccess = 1u << 5,
  // A write whose data is durable when it completes, as if an fdatasync of its range followed
  // (RWF_DSYNC; the pool: pwritev2 with RWF_DSYNC, or pwrite then fdatasync where that is missing).
  kDsync = 1u << 6,
};

// Bounce memory is page-aligned, so files opened with O_DIRECT work through it.
struct AlignedFree {
  void operator()(uint8_t* p) const { std::free(p); }
};
using AlignedBytes = std::unique_ptr<uint8_t[], AlignedFree>;

inline AlignedBytes AllocateAligned(size_t size) {
  constexpr size_t kAlign = 4096;
  size_t rounded = (size + kAlign - 1) / kAlign * kAlign;
  return AlignedBytes(static_cast<uint8_t*>(std::aligned_alloc(kAlign, rounded == 0 ? kAlign : rounded)));
}

// Where a read lands: a JS view (kept alive by a reference) and the op memory it is copied from.
struct Target {
  Napi::Reference<Napi::Value> view;
  uint8_t* bounce = nullptr;  // null when the kernel writes straight into the view (zero copy)
  size_t length = 0;
};

struct Op {
  uint32_t id = 0;        // JS's id for the op (reused as soon as the op has settled)
  uint64_t tag = 0;       // id and a generation: the op's user_data, never reused (op_table.h)
  OpCode code = OpCode::kNop;
  uint32_t flags = 0;
  int32_t fd = -1;
  int64_t offset = 0;     // file position, -1 for "current position"; size for ftruncate
  int64_t length = 0;     // byte count; fallocate length; (link) timeout nanoseconds
  int32_t a1 = 0;         // open flags, fsync "data only", mkdir/open mode, fallocate mode, …
  int32_t a2 = 0;
  std::string path;
  std::string path2;
  AlignedBytes memory;                // bounce memory owned by the op (reads and writes)
  uint8_t* data = nullptr;            // what the kernel reads from / writes into
  std::vector<Target> targets;        // views to copy read bytes back into, in order
#ifdef __linux__
  std::vector<iovec> iov;
  struct statx stx {};
  __kernel_timespec ts{};
#endif
  int32_t result = 0;
  bool started = false;   // the pool began the system call (it can no longer be cancelled)
  bool cancelled = false;
  bool on_side = false;   // the io_uring backend handed it to its side pool (opcode missing)
  bool expired = false;   // a link timeout whose time ran out (the pool backend sets it)
  // In a quiet chain (io_uring only): the tags of the ops linked before and after it (0: none),
  // and whether its completion was handed out, from a CQE or inferred (uring_backend.cc).
  uint64_t prev_tag = 0;
  uint64_t next_tag = 0;
  bool settled = false;

  // Back to a new op's state for reuse (see op_table.h), keeping the containers' capacity.
  // A field added above must be reset here too.
  void Reset() {
    id = 0;
    tag = 0;
    code = OpCode::kNop;
    flags = 0;
    fd = -1;
    offset = 0;
    length = 0;
    a1 = 0;
    a2 = 0;
    path.clear();
    path2.clear();
    memory.reset();
    data = nullptr;
    targets.clear();  // drops the references to JS views: on the ring's thread only
#ifdef __linux__
    iov.clear();
    stx = {};
    ts = {};
#endif
    result = 0;
    started = false;
    cancelled = false;
    on_side = false;
    expired = false;
    prev_tag = 0;
    next_tag = 0;
    settled = false;
  }
};

}  // namespace corelane_uring
