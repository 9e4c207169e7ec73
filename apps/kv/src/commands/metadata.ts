// Flags and ACL categories of every command, as Redis 7.0.15's COMMAND INFO lists them (copied
// from its output; test/command-info.test.ts compares them with a live redis-server). The flags
// are also what the engine reads: `write` (log the command), `no_auth` (allowed before AUTH).

/** By fullname (`get`, `config|get`): [flags, ACL categories], in Redis's order. */
export const COMMAND_METADATA: Readonly<Record<string, readonly [readonly string[], readonly string[]]>> = {
  append: [
    ['write', 'denyoom', 'fast'],
    ['@write', '@string', '@fast'],
  ],
  auth: [
    ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    ['@fast', '@connection'],
  ],
  bitcount: [['readonly'], ['@read', '@bitmap', '@slow']],
  blmove: [
    ['write', 'denyoom', 'noscript', 'blocking'],
    ['@write', '@list', '@slow', '@blocking'],
  ],
  blpop: [
    ['write', 'noscript', 'blocking'],
    ['@write', '@list', '@slow', '@blocking'],
  ],
  brpop: [
    ['write', 'noscript', 'blocking'],
    ['@write', '@list', '@slow', '@blocking'],
  ],
  brpoplpush: [
    ['write', 'denyoom', 'noscript', 'blocking'],
    ['@write', '@list', '@slow', '@blocking'],
  ],
  client: [[], ['@slow']],
  'client|getname': [
    ['noscript', 'loading', 'stale'],
    ['@slow', '@connection'],
  ],
  'client|help': [
    ['loading', 'stale'],
    ['@slow', '@connection'],
  ],
  'client|id': [
    ['noscript', 'loading', 'stale'],
    ['@slow', '@connection'],
  ],
  'client|info': [
    ['noscript', 'loading', 'stale'],
    ['@slow', '@connection'],
  ],
  'client|list': [
    ['admin', 'noscript', 'loading', 'stale'],
    ['@admin', '@slow', '@dangerous', '@connection'],
  ],
  'client|setname': [
    ['noscript', 'loading', 'stale'],
    ['@slow', '@connection'],
  ],
  command: [
    ['loading', 'stale'],
    ['@slow', '@connection'],
  ],
  'command|count': [
    ['loading', 'stale'],
    ['@slow', '@connection'],
  ],
  'command|docs': [
    ['loading', 'stale'],
    ['@slow', '@connection'],
  ],
  'command|info': [
    ['loading', 'stale'],
    ['@slow', '@connection'],
  ],
  'command|list': [
    ['loading', 'stale'],
    ['@slow', '@connection'],
  ],
  config: [[], ['@slow']],
  'config|get': [
    ['admin', 'noscript', 'loading', 'stale'],
    ['@admin', '@slow', '@dangerous'],
  ],
  'config|help': [['loading', 'stale'], ['@slow']],
  'config|resetstat': [
    ['admin', 'noscript', 'loading', 'stale'],
    ['@admin', '@slow', '@dangerous'],
  ],
  'config|set': [
    ['admin', 'noscript', 'loading', 'stale'],
    ['@admin', '@slow', '@dangerous'],
  ],
  copy: [
    ['write', 'denyoom'],
    ['@keyspace', '@write', '@slow'],
  ],
  dbsize: [
    ['readonly', 'fast'],
    ['@keyspace', '@read', '@fast'],
  ],
  decr: [
    ['write', 'denyoom', 'fast'],
    ['@write', '@string', '@fast'],
  ],
  decrby: [
    ['write', 'denyoom', 'fast'],
    ['@write', '@string', '@fast'],
  ],
  del: [['write'], ['@keyspace', '@write', '@slow']],
  echo: [
    ['loading', 'stale', 'fast'],
    ['@fast', '@connection'],
  ],
  exists: [
    ['readonly', 'fast'],
    ['@keyspace', '@read', '@fast'],
  ],
  expire: [
    ['write', 'fast'],
    ['@keyspace', '@write', '@fast'],
  ],
  expireat: [
    ['write', 'fast'],
    ['@keyspace', '@write', '@fast'],
  ],
  expiretime: [
    ['readonly', 'fast'],
    ['@keyspace', '@read', '@fast'],
  ],
  flushall: [['write'], ['@keyspace', '@write', '@slow', '@dangerous']],
  flushdb: [['write'], ['@keyspace', '@write', '@slow', '@dangerous']],
  get: [
    ['readonly', 'fast'],
    ['@read', '@string', '@fast'],
  ],
  getbit: [
    ['readonly', 'fast'],
    ['@read', '@bitmap', '@fast'],
  ],
  getdel: [
    ['write', 'fast'],
    ['@write', '@string', '@fast'],
  ],
  getex: [
    ['write', 'fast'],
    ['@write', '@string', '@fast'],
  ],
  getrange: [['readonly'], ['@read', '@string', '@slow']],
  getset: [
    ['write', 'denyoom', 'fast'],
    ['@write', '@string', '@fast'],
  ],
  hdel: [
    ['write', 'fast'],
    ['@write', '@hash', '@fast'],
  ],
  hello: [
    ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    ['@fast', '@connection'],
  ],
  hexists: [
    ['readonly', 'fast'],
    ['@read', '@hash', '@fast'],
  ],
  hget: [
    ['readonly', 'fast'],
    ['@read', '@hash', '@fast'],
  ],
  hgetall: [['readonly'], ['@read', '@hash', '@slow']],
  hincrby: [
    ['write', 'denyoom', 'fast'],
    ['@write', '@hash', '@fast'],
  ],
  hincrbyfloat: [
    ['write', 'denyoom', 'fast'],
    ['@write', '@hash', '@fast'],
  ],
  hkeys: [['readonly'], ['@read', '@hash', '@slow']],
  hlen: [
    ['readonly', 'fast'],
    ['@read', '@hash', '@fast'],
  ],
  hmget: [
    ['readonly', 'fast'],
    ['@read', '@hash', '@fast'],
  ],
  hmset: [
    ['write', 'denyoom', 'fast'],
    ['@write', '@hash', '@fast'],
  ],
  hrandfield: [['readonly'], ['@read', '@hash', '@slow']],
  hscan: [['readonly'], ['@read', '@hash', '@slow']],
  hset: [
    ['write', 'denyoom', 'fast'],
    ['@write', '@hash', '@fast'],
  ],
  hsetnx: [
    ['write', 'denyoom', 'fast'],
    ['@write', '@hash', '@fast'],
  ],
  hstrlen: [
    ['readonly', 'fast'],
    ['@read', '@hash', '@fast'],
  ],
  hvals: [['readonly'], ['@read', '@hash', '@slow']],
  incr: [
    ['write', 'denyoom', 'fast'],
    ['@write', '@string', '@fast'],
  ],
  incrby: [
    ['write', 'denyoom', 'fast'],
    ['@write', '@string', '@fast'],
  ],
  incrbyfloat: [
    ['write', 'denyoom', 'fast'],
    ['@write', '@string', '@fast'],
  ],
  info: [
    ['loading', 'stale'],
    ['@slow', '@dangerous'],
  ],
  keys: [['readonly'], ['@keyspace', '@read', '@slow', '@dangerous']],
  lastsave: [
    ['loading', 'stale', 'fast'],
    ['@admin', '@fast', '@dangerous'],
  ],
  lindex: [['readonly'], ['@read', '@list', '@slow']],
  linsert: [
    ['write', 'denyoom'],
    ['@write', '@list', '@slow'],
  ],
  llen: [
    ['readonly', 'fast'],
    ['@read', '@list', '@fast'],
  ],
  lmove: [
    ['write', 'denyoom'],
    ['@write', '@list', '@slow'],
  ],
  lpop: [
    ['write', 'fast'],
    ['@write', '@list', '@fast'],
  ],
  lpos: [['readonly'], ['@read', '@list', '@slow']],
  lpush: [
    ['write', 'denyoom', 'fast'],
    ['@write', '@list', '@fast'],
  ],
  lpushx: [
    ['write', 'denyoom', 'fast'],
    ['@write', '@list', '@fast'],
  ],
  lrange: [['readonly'], ['@read', '@list', '@slow']],
  lrem: [['write'], ['@write', '@list', '@slow']],
  lset: [
    ['write', 'denyoom'],
    ['@write', '@list', '@slow'],
  ],
  ltrim: [['write'], ['@write', '@list', '@slow']],
  discard: [
    ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    ['@fast', '@transaction'],
  ],
  exec: [
    ['noscript', 'loading', 'stale', 'skip_slowlog'],
    ['@slow', '@transaction'],
  ],
  multi: [
    ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    ['@fast', '@transaction'],
  ],
  mget: [
    ['readonly', 'fast'],
    ['@read', '@string', '@fast'],
  ],
  mset: [
    ['write', 'denyoom'],
    ['@write', '@string', '@slow'],
  ],
  msetnx: [
    ['write', 'denyoom'],
    ['@write', '@string', '@slow'],
  ],
  persist: [
    ['write', 'fast'],
    ['@keyspace', '@write', '@fast'],
  ],
  pexpire: [
    ['write', 'fast'],
    ['@keyspace', '@write', '@fast'],
  ],
  pexpireat: [
    ['write', 'fast'],
    ['@keyspace', '@write', '@fast'],
  ],
  pexpiretime: [
    ['readonly', 'fast'],
    ['@keyspace', '@read', '@fast'],
  ],
  ping: [['fast'], ['@fast', '@connection']],
  psetex: [
    ['write', 'denyoom'],
    ['@write', '@string', '@slow'],
  ],
  pttl: [
    ['readonly', 'fast'],
    ['@keyspace', '@read', '@fast'],
  ],
  quit: [
    ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    ['@fast', '@connection'],
  ],
  randomkey: [['readonly'], ['@keyspace', '@read', '@slow']],
  rename: [['write'], ['@keyspace', '@write', '@slow']],
  renamenx: [
    ['write', 'fast'],
    ['@keyspace', '@write', '@fast'],
  ],
  rpop: [
    ['write', 'fast'],
    ['@write', '@list', '@fast'],
  ],
  rpoplpush: [
    ['write', 'denyoom'],
    ['@write', '@list', '@slow'],
  ],
  rpush: [
    ['write', 'denyoom', 'fast'],
    ['@write', '@list', '@fast'],
  ],
  rpushx: [
    ['write', 'denyoom', 'fast'],
    ['@write', '@list', '@fast'],
  ],
  sadd: [
    ['write', 'denyoom', 'fast'],
    ['@write', '@set', '@fast'],
  ],
  scan: [['readonly'], ['@keyspace', '@read', '@slow']],
  scard: [
    ['readonly', 'fast'],
    ['@read', '@set', '@fast'],
  ],
  sdiff: [['readonly'], ['@read', '@set', '@slow']],
  sdiffstore: [
    ['write', 'denyoom'],
    ['@write', '@set', '@slow'],
  ],
  select: [
    ['loading', 'stale', 'fast'],
    ['@fast', '@connection'],
  ],
  set: [
    ['write', 'denyoom'],
    ['@write', '@string', '@slow'],
  ],
  setbit: [
    ['write', 'denyoom'],
    ['@write', '@bitmap', '@slow'],
  ],
  setex: [
    ['write', 'denyoom'],
    ['@write', '@string', '@slow'],
  ],
  setnx: [
    ['write', 'denyoom', 'fast'],
    ['@write', '@string', '@fast'],
  ],
  setrange: [
    ['write', 'denyoom'],
    ['@write', '@string', '@slow'],
  ],
  shutdown: [
    ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
    ['@admin', '@slow', '@dangerous'],
  ],
  sinter: [['readonly'], ['@read', '@set', '@slow']],
  sintercard: [
    ['readonly', 'movablekeys'],
    ['@read', '@set', '@slow'],
  ],
  sinterstore: [
    ['write', 'denyoom'],
    ['@write', '@set', '@slow'],
  ],
  sismember: [
    ['readonly', 'fast'],
    ['@read', '@set', '@fast'],
  ],
  smembers: [['readonly'], ['@read', '@set', '@slow']],
  smismember: [
    ['readonly', 'fast'],
    ['@read', '@set', '@fast'],
  ],
  smove: [
    ['write', 'fast'],
    ['@write', '@set', '@fast'],
  ],
  spop: [
    ['write', 'fast'],
    ['@write', '@set', '@fast'],
  ],
  srandmember: [['readonly'], ['@read', '@set', '@slow']],
  srem: [
    ['write', 'fast'],
    ['@write', '@set', '@fast'],
  ],
  sscan: [['readonly'], ['@read', '@set', '@slow']],
  strlen: [
    ['readonly', 'fast'],
    ['@read', '@string', '@fast'],
  ],
  substr: [['readonly'], ['@read', '@string', '@slow']],
  sunion: [['readonly'], ['@read', '@set', '@slow']],
  sunionstore: [
    ['write', 'denyoom'],
    ['@write', '@set', '@slow'],
  ],
  time: [['loading', 'stale', 'fast'], ['@fast']],
  touch: [
    ['readonly', 'fast'],
    ['@keyspace', '@read', '@fast'],
  ],
  ttl: [
    ['readonly', 'fast'],
    ['@keyspace', '@read', '@fast'],
  ],
  watch: [
    ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    ['@fast', '@transaction'],
  ],
  type: [
    ['readonly', 'fast'],
    ['@keyspace', '@read', '@fast'],
  ],
  unwatch: [
    ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    ['@fast', '@transaction'],
  ],
  unlink: [
    ['write', 'fast'],
    ['@keyspace', '@write', '@fast'],
  ],
};
