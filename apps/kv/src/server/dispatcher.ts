// What a connection hands its commands to. Here one shard runs everything; on the runtime the
// dispatcher of a core runs the commands whose keys it owns and forwards the others through the
// mesh (a Promise of the reply). The connection only keeps the replies in order.
import type { Session } from '../commands/context.js';
import type { Reply } from '../resp/reply.js';

/** Runs the commands of connections. */
export interface Dispatcher {
  /**
   * Runs `argv` for `session`: the reply now, or a Promise of it (a blocked BLPOP, a command
   * another core runs). `blocking` is true when the connection must not run its next command
   * before this one answered (Redis's blocked client); other Promises may overlap.
   */
  dispatch(argv: string[], session: Session): { reply: Reply | Promise<Reply>; blocking: boolean };
  /** The connection closed: forget its parked commands (their elements stay in the lists). */
  disconnect(session: Session): void;
  /** The largest bulk argument accepted (proto-max-bulk-len). */
  readonly maxBulkBytes: number;
}
