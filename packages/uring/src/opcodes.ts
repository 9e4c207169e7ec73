// Mirrors native/op.h and native/uring_backend.h: the numbers both sides agree on.

/** Operation codes written into a descriptor's `code` slot. */
export const OpCode = {
  nop: 0,
  open: 1,
  close: 2,
  read: 3,
  write: 4,
  readv: 5,
  writev: 6,
  fsync: 7,
  statx: 8,
  unlink: 9,
  rename: 10,
  mkdir: 11,
  ftruncate: 12,
  fallocate: 13,
  timeout: 14,
  linkTimeout: 15,
  /** Refused by JS before the submit (see IoRing's flush): it never runs, and breaks its chain. */
  refused: 16,
} as const;

/**
 * A completion result at or below this says the op never reached the kernel (refused, or its
 * submit failed); `REFUSED_RESULT - result` is the errno why (native/op.h, kRefusedResult).
 */
export const REFUSED_RESULT = -(1 << 16);

/** Per-op flag bits written into a descriptor's `flags` slot. */
export const OpFlag = {
  /** The next op in the batch runs only if this one succeeds in full (IOSQE_IO_LINK). */
  linkNext: 1 << 0,
  /**
   * A read or write whose view is over a SharedArrayBuffer of the ring's shared-memory table
   * (shared-memory.ts): `a1` is the buffer's index there, `a2` the view's byte offset in it, and
   * the op's ref is not read. Other views are used in place when N-API says their buffer is
   * shared, else through bounce memory.
   */
  sharedView: 1 << 1,
  /** `fd` is an index into the registered files (IOSQE_FIXED_FILE). */
  fixedFile: 1 << 2,
  /** The view lies in a registered buffer whose index is in `a1` (READ_FIXED / WRITE_FIXED). */
  fixedBuffer: 1 << 3,
  /** Starts after every op submitted before it completed; later ops wait for it (IOSQE_IO_DRAIN). */
  drain: 1 << 4,
  /**
   * A non-final link of a quiet chain (`quietLinks`): it posts a completion only when it fails
   * or is short (IOSQE_CQE_SKIP_SUCCESS); its success is inferred from the chain's next one.
   */
  skipSuccess: 1 << 5,
  /** A write durable when it completes (RWF_DSYNC). */
  dsync: 1 << 6,
} as const;

/** Ops whose success a quiet chain can infer: they resolve with their whole length, or 0. */
export const quietCodes: ReadonlySet<number> = new Set([
  OpCode.read,
  OpCode.write,
  OpCode.readv,
  OpCode.writev,
  OpCode.fsync,
  OpCode.ftruncate,
  OpCode.fallocate,
  OpCode.close,
  OpCode.unlink,
  OpCode.rename,
  OpCode.mkdir,
]);

/** Setup flags an IoRing may ask for (each dropped, and reported, when the kernel refuses). */
export const SetupWant = {
  singleIssuer: 1 << 0,
  coopTaskrun: 1 << 1,
  deferTaskrun: 1 << 2,
  sqpoll: 1 << 3,
} as const;

/** The kernel's IORING_SETUP_* bits, by name, for reporting what a ring got. */
export const kernelSetupFlags: ReadonlyArray<readonly [string, number]> = [
  ['SQPOLL', 1 << 1],
  ['CLAMP', 1 << 4],
  ['COOP_TASKRUN', 1 << 8],
  ['SINGLE_ISSUER', 1 << 12],
  ['DEFER_TASKRUN', 1 << 13],
];
