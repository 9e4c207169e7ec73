// The plain blocking system call behind each op, for the thread-pool backend (and for the ops an
// older kernel's io_uring lacks). Returns what io_uring would put in the CQE: >= 0 or -errno.
#pragma once

#include "op.h"

namespace corelane_uring {

// Runs `op` on the calling thread. `fd` is the file descriptor already resolved from a
// registered-file index when the op used one.
int32_t RunBlocking(Op& op, int fd);

}  // namespace corelane_uring
