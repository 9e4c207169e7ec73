// Connection and server commands (PING, HELLO, AUTH, CLIENT, CONFIG, INFO, …). They read and
// change the session and ask the server through its hooks; none of them touches keys.
import { ErrorReply, MapReply, OK, PONG, type Reply, SimpleString, VerbatimReply } from '../resp/reply.js';
import { globMatch } from '../store/glob.js';
import { is, parseInt64, parseLong } from './args.js';
import type { ExecContext, Session } from './context.js';
import { arityError, cString, DB_OUT_OF_RANGE, errorOf, SYNTAX, WRONGPASS } from './errors.js';
import { type CommandSpec, command, container } from './spec.js';

/** The version HELLO and INFO report: the Redis version whose behaviour this server keeps. */
export const REDIS_VERSION = '7.0.15';

function session(c: ExecContext): Session {
  if (c.session === null) throw errorOf('this command needs a connection');
  return c.session;
}

/** Redis's validateClientName(): printable ASCII, no spaces. */
function validName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 0x21 || ch > 0x7e) return false;
  }
  return true;
}

/** SHUTDOWN's flags (Redis 7.0). */
const SHUTDOWN_FLAGS = new Set(['nosave', 'save', 'now', 'force', 'abort']);
/** The client types CLIENT LIST TYPE knows (Redis 7.0's getClientTypeByName). */
const CLIENT_TYPES = new Set(['normal', 'slave', 'replica', 'pubsub', 'master']);
const BAD_NAME = errorOf('Client names cannot contain spaces, newlines or special characters.');

/** Authenticates `s` against the configured password; true on success. */
function authenticate(c: ExecContext, s: Session, user: string, password: string): boolean {
  const required = c.server?.config().get('requirepass') ?? '';
  if (user !== 'default') return false;
  if (required !== '' && password !== required) return false;
  s.authenticated = true;
  return true;
}

/** One CLIENT LIST line (Redis's catClientInfoString(), the fields that mean something here). */
export function clientInfo(s: Session, now: number): string {
  const age = Math.floor((now - s.createdMs) / 1000);
  const idle = Math.floor((now - s.lastCommandMs) / 1000);
  return (
    `id=${s.id} addr=${s.addr} laddr=${s.laddr} fd=-1 name=${s.name ?? ''} age=${age} idle=${idle} flags=N db=0 ` +
    `sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 ` +
    `tot-mem=0 events=r cmd=${s.lastCommand} user=default redir=-1 resp=${s.protocol}`
  );
}

const CLIENT_HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)]',
  '    Return information about client connections.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'HELP',
  '    Print this help.',
];

const CONFIG_HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'HELP',
  '    Print this help.',
];

function help(lines: string[]): Reply {
  return lines.map((l) => new SimpleString(l));
}

/** The command table, filled in by the engine (COMMAND needs to see every command). */
export const commandRegistry = new Map<string, CommandSpec>();

function commandInfo(spec: CommandSpec): Reply {
  const subs = spec.subcommands ? [...spec.subcommands.values()].map(commandInfo) : [];
  return [
    spec.fullname,
    spec.arity,
    spec.flags.map((f) => new SimpleString(f)),
    spec.firstKey,
    spec.lastKey,
    spec.step,
    spec.categories.map((f) => new SimpleString(f)),
    [],
    [],
    subs,
  ];
}

export const connectionCommands: CommandSpec[] = [
  command('ping', { arity: -1 }, (_c, argv) => {
    if (argv.length > 2) throw arityError('ping');
    return argv.length === 1 ? PONG : (argv[1] as string);
  }),
  command('echo', { arity: 2 }, (_c, argv) => argv[1] as string),
  command('quit', { arity: -1 }, (c) => {
    session(c).closeAfterReply = true;
    return OK;
  }),
  command('select', { arity: 2 }, (_c, argv) => {
    const id = parseLong(argv[1] as string);
    if (id === null || id > 0x7fffffff || id < -0x80000000) throw errorOf('value is not an integer or out of range');
    if (id !== 0) throw DB_OUT_OF_RANGE;
    return OK;
  }),
  command('auth', { arity: -2 }, (c, argv) => {
    if (argv.length > 3) throw SYNTAX;
    const s = session(c);
    if (argv.length === 2) {
      if ((c.server?.config().get('requirepass') ?? '') === '') {
        throw errorOf(
          'AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
        );
      }
      if (!authenticate(c, s, 'default', argv[1] as string)) throw WRONGPASS;
      return OK;
    }
    if (!authenticate(c, s, argv[1] as string, argv[2] as string)) throw WRONGPASS;
    return OK;
  }),
  command('hello', { arity: -1 }, (c, argv) => {
    const s = session(c);
    let next = 1;
    let version = 0;
    if (argv.length >= 2) {
      const v = parseLong(argv[next++] as string);
      if (v === null) throw errorOf('Protocol version is not an integer or out of range');
      if (v < 2 || v > 3) throw new ErrorReply('NOPROTO unsupported protocol version');
      version = v;
    }
    let user: string | null = null;
    let password: string | null = null;
    for (let j = next; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      const opt = argv[j] as string;
      if (is(opt, 'auth') && more >= 2) {
        user = argv[j + 1] as string;
        password = argv[j + 2] as string;
        j += 2;
      } else if (is(opt, 'setname') && more) {
        const name = argv[j + 1] as string;
        if (!validName(name)) throw BAD_NAME;
        // Redis 7.0 names the client as it reads the option: a later bad option, a wrong
        // password or NOAUTH fails HELLO but leaves the name set.
        s.name = name === '' ? null : name;
        j++;
      } else {
        throw errorOf(`Syntax error in HELLO option '${cString(opt)}'`);
      }
    }
    if (user !== null && password !== null && !authenticate(c, s, user, password)) throw WRONGPASS;
    if (!s.authenticated) {
      throw new ErrorReply(
        'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
      );
    }
    if (version) s.protocol = version as 2 | 3;
    return new MapReply([
      'server',
      'redis',
      'version',
      REDIS_VERSION,
      'proto',
      s.protocol,
      'id',
      s.id,
      'mode',
      'standalone',
      'role',
      'master',
      'modules',
      [],
    ]);
  }),
  container('client', -2, [
    command('id', { arity: 2 }, (c) => session(c).id),
    command('getname', { arity: 2 }, (c) => session(c).name),
    command('setname', { arity: 3 }, (c, argv) => {
      const name = argv[2] as string;
      if (!validName(name)) throw BAD_NAME;
      session(c).name = name === '' ? null : name;
      return OK;
    }),
    command('info', { arity: 2 }, (c) => {
      return new VerbatimReply('txt', `${clientInfo(session(c), c.now)}\n`);
    }),
    command('list', { arity: -2 }, (c, argv) => {
      // Redis 7.0: CLIENT LIST [TYPE type] | [ID id …]. Every client here is a normal one.
      let sessions = [...(c.server?.sessions() ?? [])];
      if (argv.length === 4 && is(argv[2] as string, 'type')) {
        const type = (argv[3] as string).toLowerCase();
        if (!CLIENT_TYPES.has(type)) throw errorOf(`Unknown client type '${cString(argv[3] as string)}'`);
        if (type !== 'normal') sessions = [];
      } else if (argv.length > 3 && is(argv[2] as string, 'id')) {
        const ids: number[] = [];
        for (const arg of argv.slice(3)) {
          const id = parseInt64(arg);
          if (id === null) throw errorOf('Invalid client ID');
          ids.push(Number(id));
        }
        // In the order asked, as Redis lists them (once per time asked).
        const byId = new Map(sessions.map((s) => [s.id, s]));
        sessions = ids.flatMap((id) => byId.get(id) ?? []);
      } else if (argv.length !== 2) {
        throw SYNTAX;
      }
      const lines = sessions.map((s) => `${clientInfo(s, c.now)}\n`);
      return new VerbatimReply('txt', lines.join(''));
    }),
    command('help', { arity: 2 }, () => help(CLIENT_HELP)),
  ]),
  container('config', -2, [
    command('get', { arity: -3 }, (c, argv) => {
      const entries: Reply[] = [];
      const seen = new Set<string>();
      for (const [name, value] of c.server?.config() ?? []) {
        for (let i = 2; i < argv.length; i++) {
          if (!seen.has(name) && globMatch((argv[i] as string).toLowerCase(), name, true)) {
            seen.add(name);
            entries.push(name, value);
          }
        }
      }
      return new MapReply(entries);
    }),
    command('set', { arity: -4 }, (c, argv) => {
      if (argv.length % 2 === 1) throw SYNTAX;
      const config = c.server?.config() ?? new Map<string, string>();
      for (let i = 2; i < argv.length; i += 2) {
        const name = (argv[i] as string).toLowerCase();
        if (!config.has(name))
          throw errorOf(`Unknown option or number of arguments for CONFIG SET - '${cString(argv[i] as string)}'`);
      }
      for (let i = 2; i < argv.length; i += 2) {
        const name = (argv[i] as string).toLowerCase();
        // (setConfig answers null when it applied the value: `?? …` would turn success into an error.)
        const problem =
          c.server === null || c.server === undefined ? 'no server' : c.server.setConfig(name, argv[i + 1] as string);
        if (problem !== null) throw errorOf(`CONFIG SET failed (possibly related to argument '${name}') - ${problem}`);
      }
      return OK;
    }),
    command('resetstat', { arity: 2 }, () => OK),
    command('help', { arity: 2 }, () => help(CONFIG_HELP)),
  ]),
  container(
    'command',
    -1,
    [
      command('count', { arity: 2 }, () => commandRegistry.size),
      command('info', { arity: -2 }, (_c, argv) => {
        if (argv.length === 2) return [...commandRegistry.values()].map(commandInfo);
        return argv.slice(2).map((n) => {
          const spec = commandRegistry.get(n.toLowerCase());
          return spec ? commandInfo(spec) : null;
        });
      }),
      command('docs', { arity: -2 }, () => new MapReply([])),
      command('list', { arity: -2 }, () => [...commandRegistry.keys()]),
    ],
    () => [...commandRegistry.values()].map(commandInfo),
  ),
  command('info', { arity: -1 }, (c, argv) => {
    const text = c.server?.info(argv.slice(1).map((s) => s.toLowerCase())) ?? '';
    return new VerbatimReply('txt', text);
  }),
  command('time', { arity: 1 }, () => {
    const us = BigInt(Math.round(performance.timeOrigin * 1000 + performance.now() * 1000));
    return [String(us / 1_000_000n), String(us % 1_000_000n)];
  }),
  command('lastsave', { arity: 1 }, () => Math.floor(Date.now() / 1000)),
  command('shutdown', { arity: -1 }, (c, argv) => {
    // Redis 7.0's flags: NOSAVE and SAVE exclude each other; ABORT goes alone (and finds no
    // shutdown in progress: this server stops at once); anything else is a syntax error.
    const flags = new Set<string>();
    for (let i = 1; i < argv.length; i++) {
      const flag = (argv[i] as string).toLowerCase();
      if (!SHUTDOWN_FLAGS.has(flag)) throw SYNTAX;
      flags.add(flag);
    }
    const abort = flags.delete('abort');
    if ((abort && flags.size > 0) || (flags.has('nosave') && flags.has('save'))) throw SYNTAX;
    if (abort) throw errorOf('No shutdown in progress.');
    c.server?.shutdown();
    return OK;
  }),
];
