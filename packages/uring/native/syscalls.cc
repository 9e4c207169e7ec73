// Blocking equivalents of the io_uring opcodes, one system call each, as node:fs issues them
// (fs.read is one pread, fs.write one pwrite), so byte counts match node:fs exactly.
#include "syscalls.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>


namespace corelane_uring {

namespace {

int32_t Ret(ssize_t rc) { return rc < 0 ? -errno : static_cast<int32_t>(rc); }

// A write durable on completion (RWF_DSYNC): pwritev2 where the kernel has it (4.7+), else the
// write and an fdatasync of the file (which covers at least its range), as O_DSYNC promises.
// pwritev2 refused as such (no such call: ENOSYS, or glibc's ENOTSUP = EOPNOTSUPP for it; flags unknown to
// an old kernel: EOPNOTSUPP/EINVAL; a seccomp filter: EPERM) takes the fallback, whose pwrite
// reports the same errno itself if the write, not the call, was the problem.
// EINTR: the fallback's fdatasync is retried here, never the write it follows (the caller
// retries the whole op on EINTR, which must not write the bytes twice at position -1).
int32_t WriteDsync(Op& op, int fd, size_t n) {
#ifdef __linux__
  iovec v{op.data, n};
  ssize_t rc = pwritev2(fd, &v, 1, op.offset < 0 ? -1 : op.offset, RWF_DSYNC);
  if (rc >= 0) return static_cast<int32_t>(rc);
  if (errno != ENOSYS && errno != EOPNOTSUPP && errno != EINVAL && errno != EPERM) return -errno;
#endif
  ssize_t written = op.offset < 0 ? write(fd, op.data, n) : pwrite(fd, op.data, n, op.offset);
  if (written <= 0) return Ret(written);
#ifdef __linux__
  while (fdatasync(fd) < 0) {
    if (errno != EINTR) return -errno;
  }
#else
  while (fsync(fd) < 0) {
    if (errno != EINTR) return -errno;
  }
#endif
  return static_cast<int32_t>(written);
}

}  // namespace

int32_t RunBlocking(Op& op, int fd) {
  switch (op.code) {
    case OpCode::kNop:
      return 0;
    case OpCode::kOpen:
      return Ret(openat(AT_FDCWD, op.path.c_str(), op.a1 | O_CLOEXEC, static_cast<mode_t>(op.a2)));
    case OpCode::kClose:
      return Ret(close(fd));
    case OpCode::kRead: {
      auto n = static_cast<size_t>(op.length);
      return Ret(op.offset < 0 ? read(fd, op.data, n) : pread(fd, op.data, n, op.offset));
    }
    case OpCode::kWrite: {
      auto n = static_cast<size_t>(op.length);
      if ((op.flags & kDsync) != 0) return WriteDsync(op, fd, n);
      return Ret(op.offset < 0 ? write(fd, op.data, n) : pwrite(fd, op.data, n, op.offset));
    }
#ifdef __linux__
    case OpCode::kReadv: {
      auto count = static_cast<int>(op.iov.size());
      return Ret(op.offset < 0 ? readv(fd, op.iov.data(), count) : preadv(fd, op.iov.data(), count, op.offset));
    }
    case OpCode::kWritev: {
      auto count = static_cast<int>(op.iov.size());
      return Ret(op.offset < 0 ? writev(fd, op.iov.data(), count) : pwritev(fd, op.iov.data(), count, op.offset));
    }
    case OpCode::kFsync:
      return Ret(op.a1 != 0 ? fdatasync(fd) : fsync(fd));
    case OpCode::kStatx: {
      int rc = statx(op.path.empty() ? fd : AT_FDCWD, op.path.c_str(), op.a1, static_cast<unsigned>(op.a2), &op.stx);
      return Ret(rc);
    }
    case OpCode::kUnlink:
      return Ret(unlinkat(AT_FDCWD, op.path.c_str(), op.a1));
    case OpCode::kRename:
      return Ret(renameat(AT_FDCWD, op.path.c_str(), AT_FDCWD, op.path2.c_str()));
    case OpCode::kMkdir:
      return Ret(mkdirat(AT_FDCWD, op.path.c_str(), static_cast<mode_t>(op.a1)));
    case OpCode::kFtruncate:
      return Ret(ftruncate(fd, op.offset));
    case OpCode::kFallocate:
      return Ret(fallocate(fd, op.a1, op.offset, op.length));
#endif
    default:
      return -ENOSYS;
  }
}

}  // namespace corelane_uring
