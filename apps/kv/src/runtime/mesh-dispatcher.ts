// The Dispatcher of a core that is not this one: each command goes through the mesh
// (`ctx.requestTo(owner, …)`) and its reply is a Promise of the bytes the owner encoded. The
// connection keeps replies in command order whatever order they arrive in.
import type { Session } from '../commands/context.js';
import { lookupCommand } from '../commands/table.js';
import { RawReply, type Reply } from '../resp/reply.js';
import type { Dispatcher } from '../server/dispatcher.js';
import type { GoneMessage, RunMessage } from './messages.js';

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

/** Runs commands on core `owner` through the mesh, for the connections of core `self`. */
export class MeshDispatcher implements Dispatcher {
  /** Sessions that sent this core something: only they have state there to forget. */
  private readonly used = new WeakSet<Session>();

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
    const reply = this.port.requestTo(this.owner, message).then((bytes) => new RawReply(toBuffer(bytes)));
    return { reply, blocking };
  }

  disconnect(session: Session): void {
    if (!this.used.has(session)) return;
    this.used.delete(session);
    const message: GoneMessage = { t: 'gone', from: this.self, sid: session.id };
    this.port.sendTo(this.owner, message);
  }
}
