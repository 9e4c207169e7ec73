// Forced into every C++ file of a prebuild (`-include`, see scripts/prebuild/build.mjs) so that the
// addon loads on glibc >= 2.28 and the libstdc++ of GCC 8 (RHEL 8, Debian 10, Ubuntu 20.04) although
// it is compiled with Debian 12's GCC 12 against glibc 2.36. Three kinds of newer symbol appear:
//   - libstdc++'s inline waits call pthread_cond_clockwait / pthread_mutex_clocklock /
//     pthread_rwlock_clock* (glibc 2.30): undefining the macros that select them gives the
//     system_clock waits libstdc++ uses on an older glibc;
//   - glibc 2.34 moved libpthread into libc and gave the moved functions a new default version:
//     `.symver` binds each reference to the version every glibc since the port's first has;
//   - GCC 12 re-exported condition_variable::wait as GLIBCXX_3.4.30: bind the GLIBCXX_3.4.11 one,
//     the same function. (std::__throw_bad_array_new_length, GLIBCXX_3.4.29, is renamed to
//     __throw_bad_alloc on the command line, its base class, before any header declares it.)
// scripts/prebuild/check-symbols.mjs fails CI on any symbol newer than these limits, so a new
// reference shows up there and gets a line here.
#pragma once

#ifdef __cplusplus
#include <bits/c++config.h>
#undef _GLIBCXX_USE_PTHREAD_COND_CLOCKWAIT
#undef _GLIBCXX_USE_PTHREAD_MUTEX_CLOCKLOCK
#undef _GLIBCXX_USE_PTHREAD_RWLOCK_CLOCKLOCK
#endif

#if defined(__x86_64__)
#define CORELANE_GLIBC_BASE "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define CORELANE_GLIBC_BASE "GLIBC_2.17"
#else
#error "prebuilds are made for x86_64 and aarch64 only"
#endif

#define CORELANE_OLD_SYMBOL(name, version) __asm__(".symver " #name "," #name "@" version)
CORELANE_OLD_SYMBOL(pthread_once, CORELANE_GLIBC_BASE);
CORELANE_OLD_SYMBOL(pthread_kill, CORELANE_GLIBC_BASE);
CORELANE_OLD_SYMBOL(pthread_create, CORELANE_GLIBC_BASE);
CORELANE_OLD_SYMBOL(pthread_join, CORELANE_GLIBC_BASE);
CORELANE_OLD_SYMBOL(pthread_detach, CORELANE_GLIBC_BASE);
CORELANE_OLD_SYMBOL(pthread_key_create, CORELANE_GLIBC_BASE);
CORELANE_OLD_SYMBOL(pthread_key_delete, CORELANE_GLIBC_BASE);
CORELANE_OLD_SYMBOL(pthread_getspecific, CORELANE_GLIBC_BASE);
CORELANE_OLD_SYMBOL(pthread_setspecific, CORELANE_GLIBC_BASE);
CORELANE_OLD_SYMBOL(_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE, "GLIBCXX_3.4.11");
#undef CORELANE_OLD_SYMBOL
