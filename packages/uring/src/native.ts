import { loadNative } from '@corelane/shared';

/** Options the native Ring constructor reads (validated in TypeScript first). */
export interface NativeRingOptions {
  /** 0: io_uring, else the thread pool; 1: io_uring or fail; 2: the thread pool. */
  mode: 0 | 1 | 2;
  entries: number;
  /** Setup flags wanted, `SetupWant` bits. */
  want: number;
  sqpollIdleMs: number;
  threads: number;
  /** Where the native side writes (id, result) pairs when it reaps. */
  completions: Float64Array;
  /** Called once per reaped batch with the number of pairs written. */
  onComplete: (count: number) => void;
  /** Fault injection for the package's tests (see faults.ts); absent otherwise. */
  faults?: Int32Array | undefined;
}

/** What the native Ring reports about itself. */
export interface NativeRingInfo {
  backend: 'io_uring' | 'threadpool' | '';
  /** io_uring was demanded (mode 1) and setup failed with this errno; 0 otherwise. */
  initErrno: number;
  /** io_uring was tried (mode 0) and failed with this errno, so the pool runs instead. */
  fallbackErrno: number;
  /** Setup flags the kernel refused, in words. */
  notes: string;
  setupFlags: number;
  features: number;
}

/** The native ring (see native/ring.cc). Every method returns -errno on failure. */
export interface NativeRing {
  info(): NativeRingInfo;
  submit(descriptors: Float64Array, refs: unknown[], count: number): number;
  reap(): number;
  cancel(id: number): number;
  close(): number;
  registerFiles(fds: Int32Array): number;
  registerBuffers(views: Uint8Array[]): number;
  /** Stores the base address of `view`'s SharedArrayBuffer under `index` (shared-memory.ts). */
  shareMemory(index: number, view: Uint8Array): number;
}

/** What the addon exports (native/addon.cc). */
export interface UringAddon {
  builtWithLiburing: boolean;
  statxSize: number;
  /** 0 when io_uring_queue_init works here, else the errno it failed with. */
  probeIoUring(): number;
  Ring: new (options: NativeRingOptions) => NativeRing;
}

const loaded = loadNative<UringAddon>(import.meta.url);

/** The addon, or `null` when it could not be loaded (see `loadError`). */
export const native: UringAddon | null = loaded.ok ? loaded.addon : null;

/** Why the addon did not load, or `null` when it did. */
export const loadError: string | null = loaded.ok ? null : loaded.reason;
