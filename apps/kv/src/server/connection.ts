// One client connection: bytes in, commands to the dispatcher, replies out in the order the
// commands came, whatever order they complete in (a forwarded command may answer after a later
// local one). A reply is encoded with the protocol the connection spoke when it was asked, as
// Redis does (a pipelined HELLO 3 changes only the replies after it).
import type { Socket } from 'node:net';
import type { Session } from '../commands/context.js';
import { ReplyWriter } from '../resp/encoder.js';
import { ErrorReply, type Reply } from '../resp/reply.js';
import { ProtocolError, RequestParser } from '../resp/request-parser.js';
import type { Dispatcher } from './dispatcher.js';

/** Above this many bytes waiting in the socket, the connection stops reading (backpressure). */
const MAX_PENDING_OUTPUT = 64 * 1024 * 1024;

/** What a connection tells its server. */
export interface ConnectionHost {
  /** One more command processed (INFO's total_commands_processed). */
  counted(): void;
  /** True once SHUTDOWN ran: the connection stops at once. */
  stopping(): boolean;
}

interface Slot {
  reply: Reply | undefined;
  protocol: 2 | 3;
}

/**
 * A client's connection: parses what it sends, dispatches each command, writes the replies in
 * command order. A protocol error or QUIT closes it once the replies due are written.
 */
export class ClientConnection {
  readonly parser: RequestParser;
  private readonly writer = new ReplyWriter(2);
  private readonly slots: Slot[] = [];
  /** A blocking command is pending: nothing after it runs until it answers. */
  private waiting = false;
  private closing = false;
  private closed = false;
  /** A flush is queued for the replies that completed in this turn (one socket write for all). */
  private flushQueued = false;

  constructor(
    readonly socket: Socket,
    readonly session: Session,
    private readonly dispatcher: Dispatcher,
    private readonly host: ConnectionHost,
  ) {
    this.parser = new RequestParser({
      maxBulkBytes: dispatcher.maxBulkBytes,
      authRequired: () => !session.authenticated,
    });
    socket.on('data', (chunk) => {
      this.parser.feed(chunk);
      this.process();
    });
    socket.on('drain', () => {
      if (!this.closed) socket.resume();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.dispatcher.disconnect(session);
    });
  }

  /** Runs the complete commands received, until one blocks or the connection is closing. */
  process(): void {
    while (!this.closing && !this.waiting && !this.closed) {
      const next = this.parser.next();
      if (next === null) break;
      if (next instanceof ProtocolError) {
        this.slots.push({ reply: new ErrorReply(`ERR ${next.message}`), protocol: this.session.protocol });
        this.closing = true;
        break;
      }
      this.session.lastCommandMs = Date.now();
      this.host.counted();
      const protocol = this.session.protocol;
      const { reply, blocking } = this.dispatcher.dispatch(next, this.session);
      // SHUTDOWN: the server closes every connection; nothing more is written.
      if (this.host.stopping()) return;
      if (reply instanceof Promise) {
        const slot: Slot = { reply: undefined, protocol };
        this.slots.push(slot);
        if (blocking) this.waiting = true;
        reply.then(
          (r) => this.complete(slot, r, blocking),
          // A core that failed to answer (crashed, closed): the client gets an error, in order.
          (e: unknown) =>
            this.complete(slot, new ErrorReply(`ERR ${e instanceof Error ? e.message : String(e)}`), blocking),
        );
      } else if (this.slots.length === 0) {
        // Nothing ahead of it: encoded now, no slot (HELLO answers in the protocol it switches to).
        this.writer.protocol = this.session.protocol;
        this.writer.write(reply);
      } else {
        this.slots.push({ reply, protocol: this.session.protocol });
      }
      if (this.session.closeAfterReply) this.closing = true;
    }
    this.flush();
  }

  private complete(slot: Slot, reply: Reply, blocking: boolean): void {
    slot.reply = reply;
    if (blocking) this.waiting = false;
    // The replies of one mesh drain (or one group commit) complete one after another in the same
    // microtask checkpoint: queued behind them, one flush writes them all with one syscall.
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(this.queuedFlush);
    }
    // Commands pipelined behind a blocking one run now.
    if (blocking) setImmediate(() => this.process());
  }

  private readonly queuedFlush = (): void => {
    this.flushQueued = false;
    this.flush();
  };

  /** Writes the replies at the head of the queue that are ready. */
  private flush(): void {
    if (this.closed) return;
    while (this.slots.length > 0 && (this.slots[0] as Slot).reply !== undefined) {
      const slot = this.slots.shift() as Slot;
      this.writer.protocol = slot.protocol;
      this.writer.write(slot.reply as Reply);
    }
    if (!this.writer.empty) {
      const ok = this.socket.write(this.writer.take());
      if (!ok && this.socket.writableLength > MAX_PENDING_OUTPUT) this.socket.pause();
    }
    if (this.closing && this.slots.length === 0) this.socket.end();
  }

  /** Closes the connection at once. */
  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }
}
