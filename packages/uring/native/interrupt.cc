#include "interrupt.h"

#include <csignal>
#include <mutex>

namespace corelane_uring {

namespace {

int InterruptSignal() {
#ifdef SIGRTMIN
  return SIGRTMIN + 7;  // glibc keeps the first real-time signals; SIGRTMIN already skips them
#else
  return SIGUSR2;
#endif
}

void Ignore(int) {}

bool Install() {
  struct sigaction current {};
  if (sigaction(InterruptSignal(), nullptr, &current) != 0) return false;
  if (current.sa_handler != SIG_DFL && current.sa_handler != Ignore) return false;
  struct sigaction action {};
  action.sa_handler = Ignore;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: the blocked call returns EINTR
  return sigaction(InterruptSignal(), &action, nullptr) == 0;
}

}  // namespace

bool InterruptAvailable() {
  static std::once_flag once;
  static bool available = false;
  std::call_once(once, [] { available = Install(); });
  return available;
}

void Interrupt(pthread_t thread) {
  if (InterruptAvailable()) pthread_kill(thread, InterruptSignal());
}

}  // namespace corelane_uring
