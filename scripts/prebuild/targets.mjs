// The platforms every native package ships a prebuild for, and the oldest system each must load
// on: glibc 2.28 and the libstdc++ of GCC 8 (RHEL 8, Debian 10; Ubuntu 20.04 is newer).
export const TARGETS = [
  { arch: 'x64', triplet: 'x86_64-linux-gnu', machine: 'Advanced Micro Devices X86-64' },
  { arch: 'arm64', triplet: 'aarch64-linux-gnu', machine: 'AArch64' },
];

/** The newest version of each symbol family a prebuild may require. */
export const NEWEST = { GLIBC: '2.28', GLIBCXX: '3.4.25', CXXABI: '1.3.11', GCC: '8.0.0' };

/** The shared libraries a prebuild may need: the C and C++ runtimes, nothing a user must install. */
export const ALLOWED_NEEDED = [
  /^libc\.so\.6$/,
  /^libm\.so\.6$/,
  /^libpthread\.so\.0$/,
  /^libdl\.so\.2$/,
  /^libstdc\+\+\.so\.6$/,
  /^libgcc_s\.so\.1$/,
  /^ld-linux-(x86-64|aarch64)\.so\.[12]$/,
];
