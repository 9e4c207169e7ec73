// The Dispatcher of a core that is not this one: each command goes through the mesh
// (`ctx.requestTo(owner, …)`) and its reply is a Promise of the bytes the owner encoded. The
// connection keeps replies in command order whatever order they arrive in.
//
// The commands for the owner dispatched in one turn (a pipeline, or the reads of many
// connections) travel as one FORWARD frame and come back as one REPLIES frame (flat bytes,
// forward-frame.ts and reply-frame.ts): one mesh round trip (encode, ring, wake-up, decode) per
// turn instead of per command. A blocking command and EXEC go alone (a msgpack 'run'), so a
// parked command never holds back the replies of others.
import type { Session } from '../commands/context.js';
import { lookupCommand } from '../commands/table.js';
import { ErrorReply, RawReply, type Reply } from '../resp/reply.js';
import type { Dispatcher } from '../server/dispatcher.js';
import { FLAT_HEADER_BYTES } from './flat.js';
import { ForwardWriter, runBytes } from './forward-frame.js';
import type { GoneMessage, RunMessage, TakeMessage } from './messages.js';
import { ReplyBatch } from './reply-frame.js';

/** A command waiting in the turn's batch for its reply. */
interface Waiting {
  resolve(reply: Reply): void;
  reject(error: unknown): void;
}

/** What a MeshDispatcher needs of its core's context. */
export interface MeshPort {
  requestTo(core: number, value: unknown): Promise<unknown>;
  sendTo(core: number, value: unknown): boolean;
}

function toBuffer(bytes: unknown): Buffer {
  if (Buffer.isBuffer(bytes)) return bytes;
  if (bytes instanceof Uint8Array) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new Error(`corelane-kv: a core answered ${typeof bytes}, not reply bytes`);
}

function rawReply(bytes: unknown): RawReply {
  return new RawReply(toBuffer(bytes));
}

/** Runs commands on core `owner` through the mesh, for the connections of core `self`. */
export class MeshDispatcher implements Dispatcher {
  /** Sessions that sent this core something: only they have state there to forget. */
  private readonly used = new WeakSet<Session>();
  /** This turn's commands for the owner, and who waits for each reply. */
  private readonly batch: ForwardWriter;
  private waiting: Waiting[] = [];
  private readonly sendQueued = (): void => this.flush();

  constructor(
    private readonly port: MeshPort,
    readonly self: number,
    readonly owner: number,
    readonly maxBulkBytes: number,
    /** The most bytes of one message to the owner (messages.ts `maxPieceBytes`): a larger turn goes as several. */
    private readonly maxFrameBytes: number,
  ) {
    this.batch = new ForwardWriter(self);
  }

  dispatch(argv: string[], session: Session): { reply: Reply | Promise<Reply>; blocking: boolean } {
    this.used.add(session);
    const exec = session.multi !== null && (argv[0] as string).toLowerCase() === 'exec';
    // A blocking command keeps the connection's later commands back until it answered, as a
    // local one does: the owner may park it (the connection cannot know before it answers).
    const blocking = !exec && (lookupCommand(argv)?.flags.includes('blocking') ?? false);
    if (!exec && !blocking) {
      const bytes = runBytes(argv);
      // Too large for one message even alone: answered here (the ring would refuse it), never
      // copied into the frame's buffer, which would keep that size for good.
      if (FLAT_HEADER_BYTES + bytes > this.maxFrameBytes) return { reply: this.tooLarge(bytes), blocking: false };
      return { reply: this.queue(argv, session, bytes), blocking: false };
    }
    const message: RunMessage = {
      t: 'run',
      from: this.self,
      sid: session.id,
      proto: session.protocol,
      auth: session.authenticated,
      argv,
      ...(exec ? { multi: session.multi as string[][], multiFailed: session.multiFailed } : {}),
    };
    // EXEC ends the transaction here too, whatever the owner answers.
    if (exec) {
      session.multi = null;
      session.multiFailed = false;
    }
    this.flush();
    return { reply: this.port.requestTo(this.owner, message).then(rawReply), blocking };
  }

  /** The error of a command of `bytes` bytes in a frame that no message to the owner carries. */
  private tooLarge(bytes: number): ErrorReply {
    return new ErrorReply(
      `ERR the command takes ${FLAT_HEADER_BYTES + bytes} bytes, more than the ${this.maxFrameBytes} one message between cores may carry; nothing was changed`,
    );
  }

  /** Adds a plain command of `bytes` (`runBytes(argv)`) to the turn's frame (sent once the turn's commands are dispatched). */
  private queue(argv: string[], session: Session, bytes: number): Promise<Reply> {
    // A frame past one message's bound goes before this command (which fits one alone).
    if (this.batch.count > 0 && this.batch.size + bytes > this.maxFrameBytes) this.flush();
    // Sent after the event loop's poll phase (setImmediate), not after this socket's callback
    // (a microtask): the commands of every connection read in this loop iteration share the
    // frame (at -P 1 over 50 connections, measured: 3.1 commands a frame, not 1; 0.85x the CPU
    // per request). A command that must not wait behind it (EXEC, a blocking one, a
    // cross-core step, a 'gone') flushes it first.
    if (this.batch.count === 0) setImmediate(this.sendQueued);
    this.batch.append(session.id, session.protocol, session.authenticated, argv, bytes);
    return new Promise<Reply>((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /**
   * Sends the turn's frame now. Whatever else this core sends the owner (a cross-core command's
   * lock, a 'gone', an EXEC) calls it first, so that it reaches the owner after the commands
   * dispatched before it: the mesh keeps one core's messages to another in order, this frame
   * would not.
   */
  flush(): void {
    if (this.batch.count === 0) return;
    const waiting = this.waiting;
    this.waiting = [];
    this.port.requestTo(this.owner, this.batch.take()).then(
      (replies) => {
        if (!(replies instanceof ReplyBatch) || replies.count !== waiting.length) {
          const error = new Error(
            `corelane-kv: core ${this.owner} answered a frame of ${waiting.length} commands with ${String(replies)}`,
          );
          for (const w of waiting) w.reject(error);
          return;
        }
        for (let i = 0; i < waiting.length; i++) {
          const w = waiting[i] as Waiting;
          const token = replies.kept(i);
          if (token < 0) w.resolve(new RawReply(replies.at(i)));
          else this.take(token, w);
        }
      },
      (error: unknown) => {
        for (const w of waiting) w.reject(error);
      },
    );
  }

  /** A reply the owner kept (too large to share its frame): taken with a message of its own. */
  private take(token: number, w: Waiting): void {
    const message: TakeMessage = { t: 'take', from: this.self, token };
    this.port.requestTo(this.owner, message).then((bytes) => w.resolve(rawReply(bytes)), w.reject);
  }

  disconnect(session: Session): void {
    if (!this.used.has(session)) return;
    // Its commands of this turn reach the owner before it forgets the session.
    this.flush();
    this.used.delete(session);
    const message: GoneMessage = { t: 'gone', from: this.self, sid: session.id };
    this.port.sendTo(this.owner, message);
  }
}
