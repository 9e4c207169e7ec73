// io_uring backend over liburing. Completions are announced on an eventfd registered with the
// ring (libuv watches it); Reap() drains the CQ in batches with no system call unless the ring
// defers task work (DEFER_TASKRUN), where the submitter thread itself must run it.
#ifdef CORELANE_HAVE_LIBURING
#include "uring_backend.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <thread>

namespace corelane_uring {

namespace {

// Kernel 6.9 added IORING_OP_FTRUNCATE; liburing 2.3's headers predate it. The probe decides
// whether this kernel has it; when not, the side pool runs ftruncate.
constexpr int kOpFtruncate = 55;

// user_data of a cancel's own SQE: this bit, and the tag of the op it cancels (0: every op).
// Op tags never have it (op_table.h), so a CQE says by itself whose it is.
constexpr uint64_t kCancelTag = uint64_t{1} << 63;
constexpr uint64_t kCancelAnyTag = kCancelTag;
// A submit the kernel refuses for now is tried this many times in all.
constexpr int kSubmitAttempts = 4;
// Rounds an SQPOLL ring waits for its kernel thread to make room in the queue (WaitForRoom).
constexpr int kRoomWaits = 20'000;
// Rounds in a row close() retries cancels it owes without any going (about 1 ms each).
constexpr int kShutdownStalls = 5'000;
// Requests for a cancel's SQE, with a submit between each, before the cancel waits its turn.
constexpr int kCancelSqeAttempts = 3;
// Not a cancel flag of any kernel: with it, this kernel refuses IORING_ASYNC_CANCEL_ANY with
// EINVAL exactly as Linux before 5.19 refuses the flag itself (fault injection only).
constexpr unsigned kUnknownCancelFlag = 1u << 31;

int KernelOpcode(OpCode code, bool fixed_buffer) {
  switch (code) {
    case OpCode::kNop: return IORING_OP_NOP;
    case OpCode::kOpen: return IORING_OP_OPENAT;
    case OpCode::kClose: return IORING_OP_CLOSE;
    case OpCode::kRead: return fixed_buffer ? IORING_OP_READ_FIXED : IORING_OP_READ;
    case OpCode::kWrite: return fixed_buffer ? IORING_OP_WRITE_FIXED : IORING_OP_WRITE;
    case OpCode::kReadv: return IORING_OP_READV;
    case OpCode::kWritev: return IORING_OP_WRITEV;
    case OpCode::kFsync: return IORING_OP_FSYNC;
    case OpCode::kStatx: return IORING_OP_STATX;
    case OpCode::kUnlink: return IORING_OP_UNLINKAT;
    case OpCode::kRename: return IORING_OP_RENAMEAT;
    case OpCode::kMkdir: return IORING_OP_MKDIRAT;
    case OpCode::kFtruncate: return kOpFtruncate;
    case OpCode::kFallocate: return IORING_OP_FALLOCATE;
    case OpCode::kTimeout: return IORING_OP_TIMEOUT;
    case OpCode::kLinkTimeout: return IORING_OP_LINK_TIMEOUT;
    case OpCode::kRefused: return -1;  // never reaches a backend (Ring::Submit)
  }
  return -1;
}

struct FlagName {
  uint32_t want;
  unsigned flag;
  const char* name;
};

// Tried together first; on EINVAL the first still present is dropped and setup retried.
constexpr FlagName kOptionalFlags[] = {
    {kWantDeferTaskrun, IORING_SETUP_DEFER_TASKRUN, "DEFER_TASKRUN"},
    {kWantCoopTaskrun, IORING_SETUP_COOP_TASKRUN, "COOP_TASKRUN"},
    {kWantSingleIssuer, IORING_SETUP_SINGLE_ISSUER, "SINGLE_ISSUER"},
    {kWantSqpoll, IORING_SETUP_SQPOLL, "SQPOLL"},
};

}  // namespace

UringBackend::~UringBackend() {
  std::vector<Completion> ignored;
  Shutdown(ignored);
}

int UringBackend::Init(unsigned entries, uint32_t want, unsigned sqpoll_idle_ms) {
  if ((want & kWantSqpoll) != 0) want &= ~kWantDeferTaskrun;  // the kernel refuses the pair
  if ((want & kWantDeferTaskrun) != 0) want |= kWantSingleIssuer;
  int rc = -EINVAL;
  for (;;) {
    io_uring_params params{};
    for (const auto& f : kOptionalFlags) {
      if ((want & f.want) != 0) params.flags |= f.flag;
    }
    if ((want & kWantSqpoll) != 0) params.sq_thread_idle = sqpoll_idle_ms;
    // With deferred or cooperative task work, have the kernel flag pending work in the SQ ring,
    // so Reap() enters the kernel only when there is work to run.
    if ((params.flags & (IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_COOP_TASKRUN)) != 0) {
      params.flags |= IORING_SETUP_TASKRUN_FLAG;
    }
    rc = io_uring_queue_init_params(entries, &ring_, &params);
    if (rc == 0) {
      setup_flags_ = params.flags;
      break;
    }
    if (rc != -EINVAL) return rc;
    bool dropped = false;
    for (const auto& f : kOptionalFlags) {
      if ((want & f.want) != 0) {
        want &= ~f.want;
        if (f.want == kWantSingleIssuer) want &= ~kWantDeferTaskrun;
        notes_ += std::string(notes_.empty() ? "" : "; ") + f.name + " refused by the kernel";
        dropped = true;
        break;
      }
    }
    if (!dropped) return rc;
  }
  ready_ = true;
  event_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (event_fd_ < 0) return -errno;
  rc = io_uring_register_eventfd(&ring_, event_fd_);
  if (rc < 0) return rc;
  probe_ = io_uring_get_probe_ring(&ring_);
  cqe_skip_ = (ring_.features & IORING_FEAT_CQE_SKIP) != 0;
  return 0;
}

bool UringBackend::Supported(OpCode code) const {
  int op = KernelOpcode(code, false);
  return op >= 0 && probe_ != nullptr && io_uring_opcode_supported(probe_, op) != 0;
}

// Counts a fault down; -> whether it fires now.
bool UringBackend::Fault(FaultSlot slot) {
  if (faults_ == nullptr || faults_[slot] <= 0) return false;
  faults_[slot]--;
  return true;
}

PoolBackend& UringBackend::Side() {
  if (!side_) side_ = std::make_unique<PoolBackend>(2, wake_);
  return *side_;
}

int UringBackend::Queue(const std::vector<Op*>& chain) {
  bool all_supported = true;
  for (Op* op : chain) all_supported = all_supported && Supported(op->code);
  if (!all_supported) {
    for (Op* op : chain) op->on_side = true;
    side_pending_ = true;
    return Side().Queue(chain);
  }
  if (io_uring_sq_space_left(&ring_) < chain.size() && !WaitForRoom(chain.size())) return -EBUSY;
  bool quiet = cqe_skip_ && chain.size() > 1 && (chain.front()->flags & kSkipSuccess) != 0;
  for (size_t i = 0; i < chain.size(); i++) {
    Op* op = chain[i];
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    Prep(sqe, *op);
    unsigned flags = 0;
    if ((op->flags & kLinkNext) != 0) flags |= IOSQE_IO_LINK;
    if ((op->flags & kFixedFile) != 0) flags |= IOSQE_FIXED_FILE;
    if ((op->flags & kDrain) != 0) flags |= IOSQE_IO_DRAIN;
    if (quiet) {
      if ((op->flags & kSkipSuccess) != 0 && i + 1 < chain.size()) flags |= IOSQE_CQE_SKIP_SUCCESS;
      op->prev_tag = i > 0 ? chain[i - 1]->tag : 0;
      op->next_tag = i + 1 < chain.size() ? chain[i + 1]->tag : 0;
    }
    io_uring_sqe_set_flags(sqe, flags);
    io_uring_sqe_set_data64(sqe, op->tag);
    in_flight_++;
  }
  return 0;
}

void UringBackend::Prep(io_uring_sqe* sqe, Op& op) {
  auto offset = static_cast<__u64>(op.offset);
  auto length = static_cast<unsigned>(op.length);
  bool fixed_buffer = (op.flags & kFixedBuffer) != 0;
  auto buf_index = static_cast<int>(op.a1);
  switch (op.code) {
    case OpCode::kNop:
    case OpCode::kRefused:  // never reaches a backend (Ring::Submit)
      io_uring_prep_nop(sqe);
      break;
    case OpCode::kOpen:
      io_uring_prep_openat(sqe, AT_FDCWD, op.path.c_str(), op.a1 | O_CLOEXEC, static_cast<mode_t>(op.a2));
      break;
    case OpCode::kClose:
      io_uring_prep_close(sqe, op.fd);
      break;
    case OpCode::kRead:
      if (fixed_buffer) {
        io_uring_prep_read_fixed(sqe, op.fd, op.data, length, offset, buf_index);
      } else {
        io_uring_prep_read(sqe, op.fd, op.data, length, offset);
      }
      break;
    case OpCode::kWrite:
      if (fixed_buffer) {
        io_uring_prep_write_fixed(sqe, op.fd, op.data, length, offset, buf_index);
      } else {
        io_uring_prep_write(sqe, op.fd, op.data, length, offset);
      }
      if ((op.flags & kDsync) != 0) sqe->rw_flags = RWF_DSYNC;
      break;
    case OpCode::kReadv:
      io_uring_prep_readv(sqe, op.fd, op.iov.data(), static_cast<unsigned>(op.iov.size()), offset);
      break;
    case OpCode::kWritev:
      io_uring_prep_writev(sqe, op.fd, op.iov.data(), static_cast<unsigned>(op.iov.size()), offset);
      break;
    case OpCode::kFsync:
      io_uring_prep_fsync(sqe, op.fd, op.a1 != 0 ? IORING_FSYNC_DATASYNC : 0);
      break;
    case OpCode::kStatx:
      io_uring_prep_statx(sqe, op.path.empty() ? op.fd : AT_FDCWD, op.path.c_str(), op.a1,
                          static_cast<unsigned>(op.a2), &op.stx);
      break;
    case OpCode::kUnlink:
      io_uring_prep_unlinkat(sqe, AT_FDCWD, op.path.c_str(), op.a1);
      break;
    case OpCode::kRename:
      io_uring_prep_renameat(sqe, AT_FDCWD, op.path.c_str(), AT_FDCWD, op.path2.c_str(), 0);
      break;
    case OpCode::kMkdir:
      io_uring_prep_mkdirat(sqe, AT_FDCWD, op.path.c_str(), static_cast<mode_t>(op.a1));
      break;
    case OpCode::kFtruncate:
      io_uring_prep_rw(kOpFtruncate, sqe, op.fd, nullptr, 0, offset);
      break;
    case OpCode::kFallocate:
      io_uring_prep_fallocate(sqe, op.fd, op.a1, op.offset, op.length);
      break;
    case OpCode::kTimeout:
      op.ts.tv_sec = op.length / 1'000'000'000;
      op.ts.tv_nsec = op.length % 1'000'000'000;
      io_uring_prep_timeout(sqe, &op.ts, 0, 0);
      break;
    case OpCode::kLinkTimeout:
      op.ts.tv_sec = op.length / 1'000'000'000;
      op.ts.tv_nsec = op.length % 1'000'000'000;
      io_uring_prep_link_timeout(sqe, &op.ts, 0);
      break;
  }
}

int UringBackend::Enter() {
  if (Fault(kFaultSubmitFailures)) return -EBUSY;
  // With DEFER_TASKRUN, one io_uring_enter submits and runs the completions that are already
  // done (a read from the page cache often is), so the caller can reap them at once.
  return (setup_flags_ & IORING_SETUP_DEFER_TASKRUN) != 0 ? io_uring_submit_and_get_events(&ring_)
                                                         : io_uring_submit(&ring_);
}

// Without SQPOLL the queue is empty after every submit that worked: a full one waits for the
// Ring's next Submit(). With SQPOLL the kernel thread takes SQEs in its own time, so the queue
// can still be full right after a submit: what is queued is published (which wakes the thread
// when it sleeps), and this thread waits until the kernel thread has made room. The wait
// (IORING_ENTER_SQ_WAIT) returns once one SQE is free; a chain that needs more sleeps briefly
// between rounds, so the kernel thread gets a CPU. -> whether `n` SQEs fit now (false once the
// budget, about a second, is spent: the chain then fails with EBUSY).
bool UringBackend::WaitForRoom(size_t n) {
  if ((setup_flags_ & IORING_SETUP_SQPOLL) == 0) return io_uring_sq_space_left(&ring_) >= n;
  for (int round = 0; round < kRoomWaits && io_uring_sq_space_left(&ring_) < n; round++) {
    io_uring_submit(&ring_);
    if (io_uring_sqring_wait(&ring_) < 0) break;
    if (io_uring_sq_space_left(&ring_) < n) std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
  return io_uring_sq_space_left(&ring_) >= n;
}

// A submit the kernel refuses for now (EBUSY: its completion queue overflowed; EAGAIN: no
// memory for requests; EINTR) is tried again, after moving the completions it holds aside so
// it has room. One that still fails takes its SQEs back and fails their ops (Retract): an SQE
// left in the queue would run only at some later submit that may never come.
int UringBackend::Submit() {
  int side = 0;
  if (side_pending_) {
    side_pending_ = false;
    side = Side().Submit();
  }
  FlushDeferredCancels();
  bool sqpoll = (setup_flags_ & IORING_SETUP_SQPOLL) != 0;
  int total = 0;
  int rc = 0;
  for (int attempt = 1; attempt <= kSubmitAttempts; attempt++) {
    rc = Enter();
    if (rc >= 0) {
      total += rc;
      // All taken (an SQPOLL thread takes them in its own time): done. Else submit the rest.
      if (sqpoll || io_uring_sq_ready(&ring_) == 0) break;
      continue;
    }
    if (rc != -EBUSY && rc != -EAGAIN && rc != -EINTR) break;
    MoveCompletionsAside();
  }
  if (!sqpoll && io_uring_sq_ready(&ring_) > 0) Retract(rc < 0 ? rc : -EAGAIN);
  return total > 0 || rc >= 0 ? total + side : rc;
}

// Proof obligation: without SQPOLL the kernel reads the submission queue only inside
// io_uring_enter, so SQEs between its head and our tail after a failed enter were never seen
// by it and can be taken back: the tail is set back to the head (the ring's thread is the only
// writer of the tail, and no enter runs meanwhile). Their ops complete with the submit's errno
// as refused; a cancel taken back waits its turn again.
void UringBackend::Retract(int error) {
  io_uring_sq& sq = ring_.sq;
  unsigned head = io_uring_smp_load_acquire(sq.khead);
  for (unsigned i = head; i != sq.sqe_tail; i++) {
    // io_uring_get_sqe hands out SQE i at sqes[i & mask] (no SQE128 here). Not through
    // sq.array: liburing 2.6+ sets the ring up with IORING_SETUP_NO_SQARRAY where the kernel
    // has it (6.6+), and then there is no array (sq.array is null).
    const io_uring_sqe& sqe = sq.sqes[i & sq.ring_mask];
    uint64_t data = sqe.user_data;
    if ((data & kCancelTag) != 0) {
      if (data == kCancelAnyTag) {
        cancel_any_owed_ = true;
      } else {
        deferred_cancels_.push_back(data & ~kCancelTag);
      }
      continue;
    }
    Op* op = ops_.Resolve(data);
    if (op != nullptr) backlog_.push_back({op, kRefusedResult + error});  // in_flight_ drops as Reap hands it out
  }
  io_uring_smp_store_release(sq.ktail, head);
  sq.sqe_head = head;
  sq.sqe_tail = head;
}

// Moves every CQE ready now into backlog_, so the kernel has room to post more.
void UringBackend::MoveCompletionsAside() {
  io_uring_cqe* cqes[64];
  for (;;) {
    unsigned n = io_uring_peek_batch_cqe(&ring_, cqes, 64);
    if (n == 0) break;
    for (unsigned i = 0; i < n; i++) TakeCompletion(cqes[i], backlog_);
    io_uring_cq_advance(&ring_, n);
  }
}

// Appends the completions a CQE stands for to `out`; -> how many (0 for a cancel's own CQE).
//
// Most CQEs stand for their own op. In a quiet chain (kSkipSuccess on every link but the last)
// a link that succeeds in full posts nothing, and a CQE stands for more (verified on this
// kernel by test/quiet-links.test.ts):
// - Every op linked before the CQE's op succeeded: a link runs only once the one before it
//   succeeded in full. They are handed out first, in order, with their whole length (0 for an
//   op that moves no bytes): what the kernel would have posted.
// - A skipped link that fails or is short does post (the kernel clears the skip on failure),
//   and then the kernel posts nothing for the links after it (REQ_F_SKIP_LINK_CQES): they are
//   handed out here, after it, with -ECANCELED, as the kernel reports a broken link.
// Proof obligation (never twice, never lost): a skipped link posts only when it failed, and
// then no later link of its chain posts, so no inferred completion also comes from the kernel;
// `settled` marks each op handed out, and an op is freed only once reaped (Ring::Deliver).
size_t UringBackend::TakeCompletion(io_uring_cqe* cqe, std::vector<Completion>& out) {
  uint64_t data = io_uring_cqe_get_data64(cqe);
  if ((data & kCancelTag) != 0) return 0;
  Op* op = ops_.Resolve(data);
  if (op == nullptr || op->settled) return 0;  // cannot happen: an op leaves the table only once reaped
  if (op->prev_tag == 0 && op->next_tag == 0) {
    Settle(op, cqe->res, out);
    return 1;
  }
  size_t before = out.size();
  chain_scratch_.clear();
  for (Op* p = ops_.Resolve(op->prev_tag); p != nullptr && !p->settled; p = ops_.Resolve(p->prev_tag)) {
    chain_scratch_.push_back(p);
  }
  for (auto it = chain_scratch_.rbegin(); it != chain_scratch_.rend(); ++it) {
    Op* p = *it;
    bool moves_bytes = p->code == OpCode::kRead || p->code == OpCode::kWrite || p->code == OpCode::kReadv ||
                       p->code == OpCode::kWritev;
    Settle(p, moves_bytes ? static_cast<int32_t>(p->length) : 0, out);
  }
  Settle(op, cqe->res, out);
  if ((op->flags & kSkipSuccess) != 0 && op->next_tag != 0) {  // it posted: it failed or was short
    for (Op* n = ops_.Resolve(op->next_tag); n != nullptr && !n->settled; n = ops_.Resolve(n->next_tag)) {
      Settle(n, -ECANCELED, out);
    }
  }
  return out.size() - before;
}

void UringBackend::Settle(Op* op, int32_t result, std::vector<Completion>& out) {
  op->settled = true;
  out.push_back({op, result});
}

// A fresh SQE for a cancel (the fault hooks may say the queue is full), or null.
io_uring_sqe* UringBackend::CancelSqe() {
  if (Fault(kFaultCancelSqeUnavailable) || Faulty(kFaultHoldCancels)) return nullptr;
  return io_uring_get_sqe(&ring_);
}

// Queues the waiting cancels that fit, keyed by tag: a cancel whose op is gone is dropped, and
// one that finds no room waits for the next submit. A tag names one op only (op_table.h), so a
// cancel that waited can never hit the op that took its op's slot.
void UringBackend::FlushDeferredCancels() {
  size_t done = 0;
  for (; done < deferred_cancels_.size(); done++) {
    uint64_t tag = deferred_cancels_[done];
    if (ops_.Resolve(tag) == nullptr) continue;
    io_uring_sqe* sqe = CancelSqe();
    if (sqe == nullptr) break;
    io_uring_prep_cancel64(sqe, tag, 0);
    io_uring_sqe_set_data64(sqe, kCancelTag | tag);  // the cancel's own CQE is not an op's
  }
  deferred_cancels_.erase(deferred_cancels_.begin(), deferred_cancels_.begin() + static_cast<std::ptrdiff_t>(done));
}

// The cancel goes with a submit of its own, so an op blocked on a pipe stops now. When the
// queue is full, what fills it is submitted first (with SQPOLL, the kernel thread is waited
// for); a cancel that still finds no room waits in deferred_cancels_, which every submit
// retries first and the Ring keeps retrying from its event loop (Owed()).
void UringBackend::Cancel(Op* op) {
  if (op->on_side) {
    Side().Cancel(op);
    return;
  }
  deferred_cancels_.push_back(op->tag);
  for (int attempt = 0; attempt < kCancelSqeAttempts && !deferred_cancels_.empty(); attempt++) {
    Submit();
    if (!deferred_cancels_.empty() && (setup_flags_ & IORING_SETUP_SQPOLL) != 0) io_uring_sqring_wait(&ring_);
  }
}

// With DEFER_TASKRUN every completion reaches the CQ only when this thread runs its task work
// (an io_uring_enter of its own), and the kernel signals the eventfd twice for it: when an
// io-wq worker or an interrupt queues the work, and again when this thread's enter posts the
// CQE, which this thread then reaps anyway. While OnWake reaps, neither signal is needed: the
// eventfd is disabled (IORING_CQ_EVENTFD_DISABLED, which the kernel reads before each signal)
// and OnWake asks Ready() whether to reap again. Measured on 4 KiB reads at depth 32 from
// /dev/shm: the signals from this thread's own enters were about 3.5% of its time.
// Other rings post CQEs straight from a worker or an interrupt, with no full barrier between
// the CQ tail's store and the flag's load: their wakes are never held.
bool UringBackend::HoldWakes() {
  // ReleaseWakes() and Ready() find the work queued meanwhile by IORING_SQ_TASKRUN, which the
  // kernel sets only with IORING_SETUP_TASKRUN_FLAG (Init asks for it with DEFER_TASKRUN, and
  // every kernel with DEFER_TASKRUN, 6.1+, has it): without it the work would go unseen.
  constexpr unsigned kNeeded = IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
  if ((setup_flags_ & kNeeded) != kNeeded || ring_.cq.kflags == nullptr || wakes_held_) return false;
  IO_URING_WRITE_ONCE(*ring_.cq.kflags, IO_URING_READ_ONCE(*ring_.cq.kflags) | IORING_CQ_EVENTFD_DISABLED);
  wakes_held_ = true;
  return true;
}

// Proof obligation (no completion loses its wake-up once OnWake returns to libuv): the kernel
// queues task work with a fully ordered cmpxchg on its work list, then sets IORING_SQ_TASKRUN
// when the list was empty, and only then reads the eventfd flag (io_req_local_work_add). This
// thread clears the flag, then a full fence, then looks for the work. Each side stores, fences,
// then loads what the other stored, so at least one sees the other: either the kernel saw the
// flag clear and signalled, or this thread finds the work, runs it (an io_uring_enter) and so
// posts its CQEs with the flag clear, which signals the eventfd. libuv wakes for them either way.
// Where it looks: on x86-64 the kernel's atomic_or of IORING_SQ_TASKRUN is a locked instruction,
// a full fence before its read of the flag, so the TASKRUN bit is enough (and costs no system
// call when it is clear). Elsewhere that atomic_or is unordered; only the cmpxchg's list store
// is ordered before the read, and only the kernel reads the list: this thread enters the kernel
// whenever ops are in flight.
void UringBackend::ReleaseWakes() {
  if (!wakes_held_) return;
  if (Faulty(kFaultReleaseDelayUs)) std::this_thread::sleep_for(std::chrono::microseconds(faults_[kFaultReleaseDelayUs]));
  wakes_held_ = false;
  IO_URING_WRITE_ONCE(*ring_.cq.kflags, IO_URING_READ_ONCE(*ring_.cq.kflags) & ~IORING_CQ_EVENTFD_DISABLED);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (in_flight_ == 0) return;
  // CQEs already in the CQ were posted by this thread's own enters with the flag set, and so
  // signalled nothing. Most were reaped, but not those of an enter no reap followed: a cancel
  // made from a callback submits with io_uring_submit_and_get_events, which runs task work and
  // posts CQEs, and a settle cut short by a throwing callback leaves the rest. Only this thread
  // posts to a DEFER_TASKRUN ring's CQ, so the count read here is exact: signal for them.
  if (io_uring_cq_ready(&ring_) > 0) {
    uint64_t one = 1;
    ssize_t ignored = write(event_fd_, &one, sizeof(one));  // EAGAIN only at a count of 2^64-2: signalled anyway
    (void)ignored;
  }
#if defined(__x86_64__)
  if ((IO_URING_READ_ONCE(*ring_.sq.kflags) & (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW)) == 0) return;
#endif
  io_uring_get_events(&ring_);
}

bool UringBackend::Ready() const {
  return !backlog_.empty() || io_uring_cq_ready(&ring_) > 0 ||
         (IO_URING_READ_ONCE(*ring_.sq.kflags) & (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW)) != 0;
}

void UringBackend::Reap(std::vector<Completion>& out, size_t max) {
  if (in_flight_ > 0 && (setup_flags_ & IORING_SETUP_TASKRUN_FLAG) != 0 &&
      (IO_URING_READ_ONCE(*ring_.sq.kflags) & (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW)) != 0) {
    io_uring_get_events(&ring_);  // run the deferred completion work on this, the submitter, thread
  }
  if (!backlog_.empty()) {
    size_t take = backlog_.size() < max - out.size() ? backlog_.size() : max - out.size();
    out.insert(out.end(), backlog_.begin(), backlog_.begin() + static_cast<std::ptrdiff_t>(take));
    backlog_.erase(backlog_.begin(), backlog_.begin() + static_cast<std::ptrdiff_t>(take));
    in_flight_ -= take;
  }
  io_uring_cqe* cqes[64];
  while (out.size() < max) {
    size_t room = max - out.size();
    unsigned n = io_uring_peek_batch_cqe(&ring_, cqes, room < 64 ? static_cast<unsigned>(room) : 64u);
    if (n == 0) break;
    for (unsigned i = 0; i < n; i++) in_flight_ -= TakeCompletion(cqes[i], out);
    io_uring_cq_advance(&ring_, n);
  }
  if (out.size() > max) {
    // A quiet chain's CQE stood for more ops than there was room for: the rest are handed out
    // first next time (the backlog was empty, or no CQE would have been taken), and counted
    // in flight until then.
    size_t excess = out.size() - max;
    backlog_.insert(backlog_.begin(), out.end() - static_cast<std::ptrdiff_t>(excess), out.end());
    out.resize(max);
    in_flight_ += excess;
  }
  if (side_ && out.size() < max) side_->Reap(out, max);
}

// Cancels every op the kernel holds with one IORING_ASYNC_CANCEL_ANY (Linux 5.19+), or, where
// the kernel refuses that flag with EINVAL (5.18 and older), with one cancel per op; then waits
// for each op's completion: its memory may be freed only after that.
//
// A cancel that could not be handed over (no room in the queue, or a submit that failed and was
// taken back, see Retract) is owed: while one is, the wait is a short one and the cancel is tried
// again after it. A submit that failed may also have moved completions aside (backlog_): they are
// handed out after every submit, not waited for. When the owed cancels make no progress for
// kShutdownStalls rounds, the ops left are given up: reported nowhere, so the Ring never frees
// their memory, and io_uring_queue_exit has the kernel cancel them itself.
void UringBackend::Shutdown(std::vector<Completion>& out) {
  if (!ready_) return;
  deferred_cancels_.clear();  // the cancel below covers them
  TakeBacklog(out);
  cancel_any_owed_ = in_flight_ > 0;
  int stalls = 0;
  while (in_flight_ > 0) {
    if (Owed()) {
      size_t before = deferred_cancels_.size() + (cancel_any_owed_ ? 1 : 0);
      if (cancel_any_owed_ && WaitForRoom(1)) {
        io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
        io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY | (Faulty(kFaultCancelAnyRefused) ? kUnknownCancelFlag : 0));
        io_uring_sqe_set_data64(sqe, kCancelAnyTag);
        cancel_any_owed_ = false;
      }
      Submit();  // what it could not hand over is owed again (Retract)
      TakeBacklog(out);
      size_t after = deferred_cancels_.size() + (cancel_any_owed_ ? 1 : 0);
      stalls = after > 0 && after >= before ? stalls + 1 : 0;
      if (stalls > kShutdownStalls) break;
      if (in_flight_ == 0) break;
    }
    io_uring_cqe* cqe = nullptr;
    int rc;
    if (Owed()) {
      __kernel_timespec pause{0, 1'000'000};  // 1 ms, then the owed cancels are tried again
      rc = io_uring_wait_cqe_timeout(&ring_, &cqe, &pause);
      if (rc == -ETIME) continue;
    } else {
      rc = io_uring_wait_cqe(&ring_, &cqe);
    }
    if (rc == -EINTR) continue;
    if (rc < 0) break;  // the ops left are reported nowhere, so the Ring never frees them
    bool refused_any = io_uring_cqe_get_data64(cqe) == kCancelAnyTag && cqe->res == -EINVAL;
    in_flight_ -= TakeCompletion(cqe, out);
    io_uring_cqe_seen(&ring_, cqe);
    if (refused_any) CancelEach();
  }
  if (side_) side_->Shutdown(out);
  if (probe_ != nullptr) io_uring_free_probe(probe_);
  probe_ = nullptr;
  io_uring_queue_exit(&ring_);
  if (event_fd_ >= 0) close(event_fd_);
  event_fd_ = -1;
  ready_ = false;
}

// Hands out the completions moved aside (a failed submit's ops, CQEs moved out of the CQ).
void UringBackend::TakeBacklog(std::vector<Completion>& out) {
  in_flight_ -= backlog_.size();
  out.insert(out.end(), backlog_.begin(), backlog_.end());
  backlog_.clear();
}

// Owes one cancel per op the kernel may still hold (IORING_OP_ASYNC_CANCEL by user_data, Linux
// 5.5+); Shutdown submits them as the queue has room. An op already complete answers ENOENT.
void UringBackend::CancelEach() {
  ops_.ForEach([this](Op* op) {
    if (!op->on_side) deferred_cancels_.push_back(op->tag);
  });
}

int UringBackend::RegisterFiles(const std::vector<int>& fds) {
  io_uring_unregister_files(&ring_);
  if (side_) side_->RegisterFiles(fds);
  return io_uring_register_files(&ring_, fds.data(), static_cast<unsigned>(fds.size()));
}

int UringBackend::RegisterBuffers(const std::vector<std::pair<uint8_t*, size_t>>& buffers) {
  std::vector<iovec> iov;
  for (const auto& [data, size] : buffers) iov.push_back({data, size});
  io_uring_unregister_buffers(&ring_);
  return io_uring_register_buffers(&ring_, iov.data(), static_cast<unsigned>(iov.size()));
}

}  // namespace corelane_uring

#endif  // CORELANE_HAVE_LIBURING
