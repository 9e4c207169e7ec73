// Interrupting a pool thread blocked in a system call that may never return on its own (a read
// from an empty pipe or FIFO), so cancel() and close() work on the thread-pool backend too.
// A no-op handler for one real-time signal, installed without SA_RESTART, makes the blocked
// call return EINTR. Calls on regular files are not interruptible: they finish by themselves.
#pragma once

#include <pthread.h>

namespace corelane_uring {

// Installs the handler once per process; false when the signal already had another handler
// (then blocked calls are not interrupted, and are waited for).
bool InterruptAvailable();

// Sends the interrupt signal to `thread` (a pool thread of this process).
void Interrupt(pthread_t thread);

}  // namespace corelane_uring
