// binding.gyp asks this script how to build against liburing:
//   node native/detect-liburing.cjs have  -> "1" when liburing's header is installed (Linux),
//                                            "0" otherwise or when CORELANE_URING_BUILD=off
//   node native/detect-liburing.cjs libs  -> the link argument: the static archive liburing.a
//                                            when the system has one (so prebuilds need nothing
//                                            installed), else -luring
const { existsSync } = require('node:fs');

const includeDirs = ['/usr/include', '/usr/local/include'];
const libDirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];

const have =
  process.platform === 'linux' &&
  process.env.CORELANE_URING_BUILD !== 'off' &&
  includeDirs.some((dir) => existsSync(`${dir}/liburing.h`));

if (process.argv[2] === 'have') {
  process.stdout.write(have ? '1' : '0');
} else {
  const archive = libDirs.map((dir) => `${dir}/liburing.a`).find((path) => existsSync(path));
  process.stdout.write(archive ?? '-luring');
}
