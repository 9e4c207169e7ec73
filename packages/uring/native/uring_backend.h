// The io_uring engine (liburing). One ring per IoRing, used only from the thread that created
// it, which is what IORING_SETUP_SINGLE_ISSUER and DEFER_TASKRUN require.
#pragma once

#ifdef CORELANE_HAVE_LIBURING
#include <liburing.h>

#include <memory>
#include <string>

#include "backend.h"
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

class UringBackend final : public Backend {
 public:
  explicit UringBackend(std::function<void()> wake_side_pool) : wake_(std::move(wake_side_pool)) {}
  ~UringBackend() override;

  // 0 or -errno from io_uring_queue_init_params / eventfd / registration.
  int Init(unsigned entries, uint32_t want, unsigned sqpoll_idle_ms);
  uint32_t setup_flags() const { return setup_flags_; }
  uint32_t features() const { return ring_.features; }
  const std::string& notes() const { return notes_; }

  int Queue(const std::vector<Op*>& chain) override;
  int Submit() override;
  void Cancel(Op* op) override;
  void Reap(std::vector<Completion>& out, size_t max) override;
  int EventFd() const override { return event_fd_; }
  void Shutdown(std::vector<Completion>& out) override;
  int RegisterFiles(const std::vector<int>& fds) override;
  int RegisterBuffers(const std::vector<std::pair<uint8_t*, size_t>>& buffers) override;

 private:
  bool Supported(OpCode code) const;
  void Prep(io_uring_sqe* sqe, Op& op);
  PoolBackend& Side();

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
};

}  // namespace corelane_uring

#endif  // CORELANE_HAVE_LIBURING
