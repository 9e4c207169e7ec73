// The Dispatcher of a core that is not this one: each command goes through the mesh
// (`ctx.requestTo(owner, …)`) and its reply is a Promise of the bytes the owner encoded. The
// connection keeps replies in command order whatever order they arrive in.
//
// The commands for the owner dispatched in one turn (a pipeline, or the reads of many
// connections) travel as one 'runs' message and come back as one array of replies: one mesh
// round trip (encode, ring, wake-up, decode) per turn instead of per command. A blocking command
// and EXEC go alone, so a parked command never holds back the replies of others.
import type { Session } from '../commands/context.js';
import { lookupCommand } from '../commands/table.js';
import { RawReply, type Reply } from '../resp/reply.js';
import type { Dispatcher } from '../server/dispatcher.js';
import type { GoneMessage, RunBatchMessage, RunMessage } from './messages.js';

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
  private batch: RunMessage[] = [];
  private waiting: Waiting[] = [];
  private readonly sendQueued = (): void => this.flush();

  constructor(
    private readonly port: MeshPort,
    readonly self: number,
    readonly owner: number,
    readonly maxBulkBytes: number,
  ) {}

  dispatch(argv: string[], session: Session): { reply: Reply | Promise<Reply>; blocking: boolean } {
    this.used.add(session);
    const exec = session.multi !== null && (argv[0] as string).toLowerCase() === 'exec';
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
    // A blocking command keeps the connection's later commands back until it answered, as a
    // local one does: the owner may park it (the connection cannot know before it answers).
    const blocking = !exec && (lookupCommand(argv)?.flags.includes('blocking') ?? false);
    if (exec || blocking) {
      this.flush();
      return { reply: this.port.requestTo(this.owner, message).then(rawReply), blocking };
    }
    if (this.batch.length === 0) queueMicrotask(this.sendQueued);
    this.batch.push(message);
    const reply = new Promise<Reply>((resolve, reject) => this.waiting.push({ resolve, reject }));
    return { reply, blocking };
  }

  /**
   * Sends the turn's batch now: one 'run' for one command, else one 'runs'. Whatever else this
   * core sends the owner (a cross-core command's lock, a 'gone') calls it first, so that it
   * reaches the owner after the commands dispatched before it: the mesh keeps one core's
   * messages to another in order, this batch would not.
   */
  flush(): void {
    const batch = this.batch;
    const waiting = this.waiting;
    if (batch.length === 0) return;
    this.batch = [];
    this.waiting = [];
    if (batch.length === 1) {
      const w = waiting[0] as Waiting;
      this.port.requestTo(this.owner, batch[0]).then((bytes) => w.resolve(rawReply(bytes)), w.reject);
      return;
    }
    const message: RunBatchMessage = { t: 'runs', runs: batch };
    this.port.requestTo(this.owner, message).then(
      (replies) => {
        const list = replies as unknown[];
        for (let i = 0; i < waiting.length; i++) (waiting[i] as Waiting).resolve(rawReply(list[i]));
      },
      (error: unknown) => {
        for (const w of waiting) w.reject(error);
      },
    );
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
