// Another core as a participant of this core's cross-core commands: each step is a message
// through the mesh (messages.ts). The mesh keeps the messages from one core to another in
// order, so a release always arrives after its lock and write, and before the session's later
// commands to that core. The commands this core's connections sent the owner before, still in
// the MeshDispatcher's turn batch, are flushed first: a lock must not overtake them.
import type { Session } from '../commands/context.js';
import type { WriteRecord } from '../commands/engine.js';
import { RawReply, type Reply } from '../resp/reply.js';
import { isRows } from '../server/key-state.js';
import type { Grant, LockRead, Participant, ReleaseOptions } from '../server/participant.js';
import type { MeshDispatcher, MeshPort } from './mesh-dispatcher.js';
import type { CommitMessage, LockMessage, ReleaseMessage, UnparkMessage, WriteMessage } from './messages.js';

function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new Error(`corelane-kv: a core answered ${typeof value}, not reply bytes`);
}

/** Core `owner` as a participant of the transactions of core `self`. */
export class MeshParticipant implements Participant {
  constructor(
    private readonly port: MeshPort,
    readonly self: number,
    readonly owner: number,
    /** The owner's dispatcher of plain commands on this core, flushed before every step. */
    private readonly commands: MeshDispatcher,
  ) {}

  private request(m: LockMessage | WriteMessage | CommitMessage | ReleaseMessage | UnparkMessage): Promise<unknown> {
    this.commands.flush();
    return this.port.requestTo(this.owner, m);
  }

  async lock(
    tx: string,
    keys: string[],
    session: Session,
    watch: boolean,
    read: LockRead,
    whole = false,
  ): Promise<Grant> {
    const m: LockMessage = {
      t: 'lock',
      from: this.self,
      tx,
      keys: whole ? [] : keys,
      sid: session.id,
      watch,
      ...(read === 'values' ? {} : { read }),
      ...(whole ? { all: true } : {}),
    };
    const grant = (await this.request(m)) as { rows: unknown; dirty: boolean };
    if (!isRows(grant.rows)) throw new Error('corelane-kv: a core answered a lock without snapshot rows');
    return { rows: grant.rows, dirty: grant.dirty === true };
  }

  async runWhole(tx: string, argv: string[], session: Session): Promise<Reply> {
    const m: LockMessage = {
      t: 'lock',
      from: this.self,
      tx,
      keys: [],
      sid: session.id,
      watch: false,
      run: argv,
      proto: session.protocol,
    };
    return new RawReply(Buffer.from(bytesOf(await this.request(m))));
  }

  async write(tx: string, records: WriteRecord[]): Promise<void> {
    const m: WriteMessage = { t: 'write', tx, records: records.map((r) => [r.nowMs, ...r.argv]) };
    await this.request(m);
  }

  async commit(tx: string, records: WriteRecord[]): Promise<void> {
    const m: CommitMessage = { t: 'commit', tx, records: records.map((r) => [r.nowMs, ...r.argv]) };
    await this.request(m);
  }

  release(tx: string, session: Session, options: ReleaseOptions): void {
    const m: ReleaseMessage = { t: 'release', from: this.self, tx, sid: session.id, ...options };
    // A request, not a send: a full ring makes it wait instead of dropping it (a lost release
    // would leave the keys locked). Its answer carries nothing.
    void this.request(m).catch(() => {});
  }

  unpark(tx: string): void {
    const m: UnparkMessage = { t: 'unpark', tx };
    void this.request(m).catch(() => {});
  }
}
