// The command table against a live redis-server 7.0: every command and subcommand corelane-kv
// has exists there with the same arity, flags, key positions (first, last, step) and ACL
// categories, so COMMAND INFO and routing by key position agree with Redis.
import { describe, expect, it } from 'vitest';
import { COMMAND_METADATA } from '../src/commands/metadata.js';
import type { CommandSpec } from '../src/commands/spec.js';
import { commandTable } from '../src/commands/table.js';
import type { ParsedReply } from '../src/resp/reply-parser.js';
import { RawClient, startRedis } from './support/peers.js';

function describeSpec(s: CommandSpec): unknown {
  return [s.fullname, s.arity, [...s.flags], s.firstKey, s.lastKey, s.step, [...s.categories]];
}

function describeRedis(v: ParsedReply[]): unknown {
  const strings = (r: ParsedReply) => (r.value as ParsedReply[]).map((x) => x.value);
  return [
    v[0]?.value,
    Number(v[1]?.value),
    strings(v[2] as ParsedReply),
    Number(v[3]?.value),
    Number(v[4]?.value),
    Number(v[5]?.value),
    strings(v[6] as ParsedReply),
  ];
}

describe('command table', () => {
  it('every command and subcommand has metadata', () => {
    const specs = [...commandTable.values()].flatMap((s) => [s, ...(s.subcommands?.values() ?? [])]);
    for (const s of specs) expect(COMMAND_METADATA[s.fullname], s.fullname).toBeDefined();
  });

  it('matches redis-server 7.0 COMMAND INFO: arity, flags, key positions, categories', async () => {
    const redis = await startRedis();
    const c = await RawClient.connect(redis.port);
    try {
      const names = [...commandTable.keys()];
      const [reply] = await c.pipeline([['COMMAND', 'INFO', ...names]]);
      const infos = reply?.reply.value as ParsedReply[];
      names.forEach((name, i) => {
        const spec = commandTable.get(name) as CommandSpec;
        const info = infos[i]?.value as ParsedReply[];
        expect(describeSpec(spec)).toEqual(describeRedis(info));
        const subs = new Map(
          ((info[9]?.value as ParsedReply[]) ?? []).map((s) => {
            const v = s.value as ParsedReply[];
            return [v[0]?.value as string, v];
          }),
        );
        for (const sub of spec.subcommands?.values() ?? []) {
          expect(describeSpec(sub)).toEqual(describeRedis(subs.get(sub.fullname) as ParsedReply[]));
        }
      });
    } finally {
      c.close();
      await redis.stop();
    }
  });
});
