// One Wal per directory. The lock is a listening Unix socket in Linux's abstract namespace,
// named after the directory's device and inode: binding a name is atomic and exclusive, two
// opens in one process (any thread) collide like two processes do, and the kernel frees the
// name when the socket closes, which happens at close(), when a worker thread's loop is torn
// down, and when the process dies however it dies (SIGKILL included): a stale lock cannot
// outlive its holder, so a restart is never blocked, and no lock file needs cleaning up.
// Node has no flock(2); this needs no native code. The namespace is per network namespace:
// two containers with separate network namespaces sharing one volume do not see each other's
// locks (documented). On other platforms there is no abstract namespace and no lock.
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { CorelaneError, ErrorCode } from '@corelane/shared';
import { walIoError } from './errors.js';

/** The lock on one log directory, held until `release()`. */
export class DirLock {
  readonly #server: Server | null;

  private constructor(server: Server | null) {
    this.#server = server;
  }

  /**
   * Takes the lock on `dir` (which exists); rejects with `ERR_CORELANE_WAL_LOCKED` when it is
   * held, `ERR_CORELANE_SYSTEM` (with `errno`) when the socket cannot be made at all.
   */
  static async acquire(dir: string): Promise<DirLock> {
    if (process.platform !== 'linux') return new DirLock(null);
    const { dev, ino } = await stat(dir, { bigint: true });
    const name = `\0corelane-wal/${dev}/${ino}`;
    const server = createServer((socket) => socket.destroy()); // nobody has anything to say to a lock
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EADDRINUSE') return reject(walIoError(error, `WAL directory lock of ${dir}`));
        reject(
          new CorelaneError(
            ErrorCode.WAL_LOCKED,
            `the WAL in ${dir} is open elsewhere (another Wal in this process or another one); close it first`,
          ),
        );
      });
      // exclusive: a cluster worker binds the name itself rather than sharing the primary's.
      server.listen({ path: name, exclusive: true }, () => resolve());
    });
    server.unref(); // a held lock must not keep the process alive
    return new DirLock(server);
  }

  /** Frees the lock. Idempotent. */
  release(): Promise<void> {
    const server = this.#server;
    if (server === null || !server.listening) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
