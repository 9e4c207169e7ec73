// The random differential sequences' filter: it must take out only the whole-keyspace reads whose
// answer an already-expired key makes depend on timing, and nothing else (a filter that took out
// more would let the differential tests pass without comparing what they name).
import { describe, expect, it } from 'vitest';
import { keepsExpired, withoutTimedKeyspaceReads } from './support/arbitraries.js';

const past = String(Date.now() - 10_000);
const far = String(Date.now() + 1_000_000_000);

describe('random sequence filters', () => {
  it('keepsExpired: SET and GETEX with a past PXAT/EXAT only', () => {
    expect(keepsExpired(['SET', 'k', 'v', 'PXAT', past])).toBe(true);
    expect(keepsExpired(['set', 'k', 'v', 'exat', String(Math.floor(Number(past) / 1000))])).toBe(true);
    expect(keepsExpired(['GETEX', 'k', 'PXAT', past])).toBe(true);
    expect(keepsExpired(['SET', 'k', 'v', 'PXAT', far])).toBe(false);
    expect(keepsExpired(['SET', 'k', 'v'])).toBe(false);
    expect(keepsExpired(['PEXPIREAT', 'k', past])).toBe(false); // deletes at once: deterministic
  });

  it('drops DBSIZE, KEYS, SCAN and RANDOMKEY after such a command, and keeps everything else', () => {
    const commands = [
      ['DBSIZE'],
      ['KEYS', '*'],
      ['SET', 'k2', '0', 'PXAT', past],
      ['BLMOVE', 'k0', 'k0', 'LEFT', 'LEFT', '0.01'],
      ['DBSIZE'],
      ['keys', 'k?'],
      ['SCAN', '0', 'MATCH', 'k*'],
      ['RANDOMKEY'],
      ['GET', 'k2'],
      ['GETEX', 'k0', 'PERSIST'],
    ];
    expect(withoutTimedKeyspaceReads(commands)).toEqual([
      ['DBSIZE'],
      ['KEYS', '*'],
      ['SET', 'k2', '0', 'PXAT', past],
      ['BLMOVE', 'k0', 'k0', 'LEFT', 'LEFT', '0.01'],
      ['GET', 'k2'],
      ['GETEX', 'k0', 'PERSIST'],
    ]);
    const untouched = [['SET', 'k', 'v', 'PXAT', far], ['DBSIZE'], ['SCAN', '0']];
    expect(withoutTimedKeyspaceReads(untouched)).toEqual(untouched);
  });
});
