/**
 * What `statx()` resolves with: the fields of `fs.Stats` that a storage engine uses, read from
 * the kernel's `struct statx`.
 */
export interface FileStats {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
  birthtimeMs: number;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/** The `struct statx` bytes a statx op fills in (256 on Linux). */
export const STATX_SIZE = 256;

/*
 * struct statx (linux/stat.h), little-endian, the fields read here:
 *   byte  size  field
 *      4     4  stx_blksize
 *     16     4  stx_nlink
 *     20     4  stx_uid
 *     24     4  stx_gid
 *     28     2  stx_mode
 *     32     8  stx_ino
 *     40     8  stx_size
 *     48     8  stx_blocks
 *     64    16  stx_atime  { int64 tv_sec, uint32 tv_nsec, int32 pad }
 *     80    16  stx_btime
 *     96    16  stx_ctime
 *    112    16  stx_mtime
 *    128     4  stx_rdev_major   132  4  stx_rdev_minor
 *    136     4  stx_dev_major    140  4  stx_dev_minor
 */
const S_IFMT = 0o170000;

function timeMs(view: DataView, at: number): number {
  return Number(view.getBigInt64(at, true)) * 1000 + view.getUint32(at + 8, true) / 1e6;
}

// glibc's makedev(), which is how libuv (and so fs.Stats) builds dev and rdev.
function makedev(major: number, minor: number): number {
  const high = (major & 0xfffff000) * 2 ** 32 + (minor & 0xffffff00) * 2 ** 12;
  return high + ((major & 0xfff) << 8) + (minor & 0xff);
}

/** Decodes a filled `struct statx`. */
export function decodeStatx(bytes: Uint8Array): FileStats {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mode = view.getUint16(28, true);
  return {
    dev: makedev(view.getUint32(136, true), view.getUint32(140, true)),
    ino: Number(view.getBigUint64(32, true)),
    mode,
    nlink: view.getUint32(16, true),
    uid: view.getUint32(20, true),
    gid: view.getUint32(24, true),
    rdev: makedev(view.getUint32(128, true), view.getUint32(132, true)),
    size: Number(view.getBigUint64(40, true)),
    blksize: view.getUint32(4, true),
    blocks: Number(view.getBigUint64(48, true)),
    atimeMs: timeMs(view, 64),
    mtimeMs: timeMs(view, 112),
    ctimeMs: timeMs(view, 96),
    birthtimeMs: timeMs(view, 80),
    isFile: () => (mode & S_IFMT) === 0o100000,
    isDirectory: () => (mode & S_IFMT) === 0o040000,
    isSymbolicLink: () => (mode & S_IFMT) === 0o120000,
  };
}
