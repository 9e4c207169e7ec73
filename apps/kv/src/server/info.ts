// INFO's text: the sections and fields of Redis 7.0 that mean something for this server, with
// Redis's `# Section` headers and CRLF line ends.
import { arch, platform, release } from 'node:os';
import { REDIS_VERSION } from '../commands/connection.js';
import type { Keyspace } from '../store/keyspace.js';

/** The counters INFO reports. */
export interface InfoFacts {
  port: number;
  startedMs: number;
  connectedClients: number;
  blockedClients: number;
  totalConnections: number;
  totalCommands: number;
  /** The local shard's keyspace, when there is one. */
  db: Keyspace | null;
  now: number;
}

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'keyspace'];

function section(name: string, facts: InfoFacts): string[] | null {
  const uptime = Math.floor((facts.now - facts.startedMs) / 1000);
  const mem = process.memoryUsage();
  switch (name) {
    case 'server':
      return [
        `redis_version:${REDIS_VERSION}`,
        'redis_mode:standalone',
        `os:${platform()} ${release()} ${arch()}`,
        'arch_bits:64',
        'multiplexing_api:epoll',
        `process_id:${process.pid}`,
        `tcp_port:${facts.port}`,
        `uptime_in_seconds:${uptime}`,
        `uptime_in_days:${Math.floor(uptime / 86400)}`,
        'executable:corelane-kv',
        `corelane_node_version:${process.version}`,
      ];
    case 'clients':
      return [`connected_clients:${facts.connectedClients}`, `blocked_clients:${facts.blockedClients}`];
    case 'memory':
      return [`used_memory:${mem.heapUsed}`, `used_memory_rss:${mem.rss}`];
    case 'persistence':
      return ['loading:0', 'rdb_changes_since_last_save:0', 'aof_enabled:0'];
    case 'stats':
      return [
        `total_connections_received:${facts.totalConnections}`,
        `total_commands_processed:${facts.totalCommands}`,
        `expired_keys:${facts.db?.expiredCount ?? 0}`,
      ];
    case 'replication':
      return ['role:master', 'connected_slaves:0'];
    case 'cpu': {
      const cpu = process.cpuUsage();
      return [`used_cpu_sys:${(cpu.system / 1e6).toFixed(6)}`, `used_cpu_user:${(cpu.user / 1e6).toFixed(6)}`];
    }
    case 'keyspace':
      return facts.db && facts.db.size > 0
        ? [`db0:keys=${facts.db.size},expires=${facts.db.expires.size},avg_ttl=0`]
        : [];
    default:
      return null;
  }
}

/** The INFO text for `sections` (lower case; empty, `default`, `all` or `everything` = all of them). */
export function infoText(sections: string[], facts: InfoFacts): string {
  const wanted =
    sections.length === 0 || sections.some((s) => s === 'default' || s === 'all' || s === 'everything')
      ? DEFAULT_SECTIONS
      : sections;
  const parts: string[] = [];
  for (const name of wanted) {
    const lines = section(name, facts);
    if (lines === null) continue;
    parts.push([`# ${name[0]?.toUpperCase()}${name.slice(1)}`, ...lines].join('\r\n'));
  }
  return parts.length > 0 ? `${parts.join('\r\n\r\n')}\r\n` : '';
}
