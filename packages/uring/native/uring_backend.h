// The io_uring engine (liburing). One ring per IoRing, used only from the thread that created
// it, which is what IORING_SETUP_SINGLE_ISSUER and DEFER_TASKRUN require.
#pragma once

#ifdef CORELANE_HAVE_LIBURING
#include <liburing.h>

#include <memory>
#include <string>
#include <vector>

#include "backend.h"
#include "op_table.h"
#include "pool_backend.h"

namespace corelane_uring {

// Setup flags JS may ask for (src/opcodes.ts mirrors them). Each is dropped, and said so, when
// the kernel refuses it.
enum SetupRequest : uint32_t {
  kWantSingleIssuer = 1u << 0,
  kWantCoopTaskrun = 1u << 1,
  kWantDeferTaskrun = 1u << 2,
  kWantSqpoll = 1u << 3,
};

// Fault-injection slots (src/faults.ts mirrors them): for the package's tests only.
enum FaultSlot : int {
  kFaultSubmitFailures = 0,
  kFaultCancelSqeUnavailable = 1,
  kFaultHoldCancels = 2,
  kFaultCancelAnyRefused = 3,
  kFaultReleaseDelayUs = 4,
};

class UringBackend final : public Backend {
 public:
  // `ops` resolves a CQE's user_data (an op's tag) to its op; it outlives the backend.
  UringBackend(std::function<void()> wake_side_pool, const OpTable& ops)
      : wake_(std::move(wake_side_pool)), ops_(ops) {}
  ~UringBackend() override;

  // 0 or -errno from io_uring_queue_init_params / eventfd / registration.
  int Init(unsigned entries, uint32_t want, unsigned sqpoll_idle_ms);
  uint32_t setup_flags() const { return setup_flags_; }
  uint32_t features() const { return ring_.features; }
  const std::string& notes() const { return notes_; }
  // Fault injection (src/faults.ts): the array outlives the backend (the Ring references it).
  void SetFaults(int32_t* faults) { faults_ = faults; }

  int Queue(const std::vector<Op*>& chain) override;
  int Submit() override;
  void Cancel(Op* op) override;
  bool Owed() const override { return !deferred_cancels_.empty() || !backlog_.empty() || cancel_any_owed_; }
  bool HoldWakes() override;
  void ReleaseWakes() override;
  bool Ready() const override;
  void Reap(std::vector<Completion>& out, size_t max) override;
  int EventFd() const override { return event_fd_; }
  void Shutdown(std::vector<Completion>& out) override;
  int RegisterFiles(const std::vector<int>& fds) override;
  int RegisterBuffers(const std::vector<std::pair<uint8_t*, size_t>>& buffers) override;

 private:
  bool Supported(OpCode code) const;
  void Prep(io_uring_sqe* sqe, Op& op);
  PoolBackend& Side();
  bool Fault(FaultSlot slot);
  bool WaitForRoom(size_t n);
  int Enter();
  io_uring_sqe* CancelSqe();
  void FlushDeferredCancels();
  void MoveCompletionsAside();
  void Retract(int error);
  size_t TakeCompletion(io_uring_cqe* cqe, std::vector<Completion>& out);
  void Settle(Op* op, int32_t result, std::vector<Completion>& out);
  void CancelEach();
  void TakeBacklog(std::vector<Completion>& out);
  bool Faulty(FaultSlot slot) const { return faults_ != nullptr && faults_[slot] != 0; }

  io_uring ring_{};
  bool ready_ = false;
  int event_fd_ = -1;
  uint32_t setup_flags_ = 0;
  std::string notes_;
  io_uring_probe* probe_ = nullptr;
  size_t in_flight_ = 0;  // ops the kernel holds (side pool excluded)
  bool side_pending_ = false;
  std::function<void()> wake_;
  std::unique_ptr<PoolBackend> side_;  // for opcodes this kernel's io_uring lacks
  int32_t* faults_ = nullptr;
  const OpTable& ops_;
  std::vector<Completion> backlog_;        // completions moved out of the CQ, handed out first
  std::vector<uint64_t> deferred_cancels_;  // tags of ops whose cancel found no room yet
  bool cancel_any_owed_ = false;
  bool cqe_skip_ = false;  // IORING_FEAT_CQE_SKIP: quiet chains skip their links' CQEs
  bool wakes_held_ = false;  // IORING_CQ_EVENTFD_DISABLED is set (HoldWakes)
  std::vector<Op*> chain_scratch_;            // close()'s IORING_ASYNC_CANCEL_ANY was not handed over yet
};

}  // namespace corelane_uring

#endif  // CORELANE_HAVE_LIBURING
