// The C ceiling of IoRing's WAL append with one in flight, for the uring suite: the same chain
// (a write linked to an fdatasync, the write's completion skipped with IOSQE_CQE_SKIP_SUCCESS,
// one submit per append), on a ring set up as the WAL's (SINGLE_ISSUER, no DEFER_TASKRUN), its
// completion awaited as IoRing awaits it under libuv: epoll on the eventfd registered with the
// ring, then a read of the eventfd and a peek at the CQ. What differs from ours is JS, libuv and
// N-API, nothing the kernel sees.
//
// usage: append-loop FILE BYTES MS   (FILE laid out in advance; the appends wrap at 64 MiB)
// prints {"appends":N,"elapsedNs":T}
#include <fcntl.h>
#include <liburing.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define FILE_SIZE (64L * 1024 * 1024)

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int fail(const char* what, int rc) {
  fprintf(stderr, "%s: %s\n", what, strerror(rc < 0 ? -rc : rc));
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: append-loop FILE BYTES MS\n");
    return 2;
  }
  long bytes = atol(argv[2]);
  int64_t budget = (int64_t)atol(argv[3]) * 1000000;
  if (bytes <= 0 || bytes > 65536 || budget <= 0) return fail("arguments", 22);
  int fd = open(argv[1], O_WRONLY | O_CLOEXEC);
  if (fd < 0) return fail("open", -1);
  char* record = malloc((size_t)bytes);
  if (record == NULL) return fail("malloc", 12);
  memset(record, 7, (size_t)bytes);

  struct io_uring ring;
  struct io_uring_params params;
  memset(&params, 0, sizeof params);
  params.flags = IORING_SETUP_SINGLE_ISSUER;
  int rc = io_uring_queue_init_params(8, &ring, &params);
  if (rc < 0) return fail("io_uring_queue_init_params", rc);
  int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (efd < 0) return fail("eventfd", -1);
  rc = io_uring_register_eventfd(&ring, efd);
  if (rc < 0) return fail("io_uring_register_eventfd", rc);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event watch = {.events = EPOLLIN};
  if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, efd, &watch) < 0) return fail("epoll", -1);

  long position = 0;
  long appends = 0;
  int64_t start = now_ns();
  int64_t elapsed = 0;
  while (elapsed < budget) {
    struct io_uring_sqe* sqe = io_uring_get_sqe(&ring);
    io_uring_prep_write(sqe, fd, record, (unsigned)bytes, (uint64_t)position);
    io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS);
    io_uring_sqe_set_data64(sqe, 1);
    sqe = io_uring_get_sqe(&ring);
    io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
    io_uring_sqe_set_data64(sqe, 2);
    rc = io_uring_submit(&ring);
    if (rc < 0) return fail("io_uring_submit", rc);
    struct io_uring_cqe* cqe = NULL;
    while (io_uring_peek_cqe(&ring, &cqe) != 0) {
      struct epoll_event ready;
      if (epoll_wait(ep, &ready, 1, -1) < 0) continue;  // EINTR: wait again
      uint64_t count;
      if (read(efd, &count, sizeof count) < 0) continue;  // EAGAIN: another wake-up read it
    }
    // Only a failed or short write posts its own completion (and cancels the fdatasync).
    if (io_uring_cqe_get_data64(cqe) != 2) return fail("write", cqe->res < 0 ? cqe->res : -5);
    if (cqe->res < 0) return fail("fdatasync", cqe->res);
    io_uring_cqe_seen(&ring, cqe);
    appends++;
    position += bytes;
    if (position + bytes > FILE_SIZE) position = 0;
    elapsed = now_ns() - start;
  }
  printf("{\"appends\":%ld,\"elapsedNs\":%lld}\n", appends, (long long)elapsed);
  io_uring_queue_exit(&ring);
  return 0;
}
