// Random command sequences (fast-check) over four keys, every family mixed so keys change type
// and expire: redis-server 7.0 and corelane-kv must answer every command alike.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hashCommands,
  keyCommands,
  listCommands,
  malformedCommands,
  sequence,
  setCommands,
  stringCommands,
  transactionCommands,
  withoutTimedKeyspaceReads,
} from './support/arbitraries.js';
import { Differential } from './support/differential.js';

const RUNS = Number(process.env.KV_FUZZ_RUNS ?? 100);

describe('differential: random sequences against redis-server 7.0', () => {
  let d: Differential;
  beforeAll(async () => {
    d = await Differential.start();
  });
  afterAll(async () => {
    await d?.stop();
  });

  const families = {
    strings: [stringCommands, keyCommands],
    lists: [listCommands, keyCommands],
    hashes: [hashCommands, keyCommands],
    sets: [setCommands, keyCommands],
    transactions: [transactionCommands, stringCommands, listCommands, setCommands, malformedCommands],
    'all families and malformed commands': [
      stringCommands,
      keyCommands,
      listCommands,
      hashCommands,
      setCommands,
      malformedCommands,
    ],
  };

  for (const [name, arbs] of Object.entries(families)) {
    it(`${name}: ${RUNS} sequences, every reply equal`, async () => {
      await fc.assert(
        fc.asyncProperty(sequence(arbs).map(withoutTimedKeyspaceReads), async (commands) => {
          await d.reset();
          const mismatches = await d.run(commands);
          expect(mismatches, JSON.stringify(commands)).toEqual([]);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it(`all families in RESP3: ${RUNS} sequences, every reply equal`, async () => {
    await d.run([['HELLO', '3']]);
    try {
      await fc.assert(
        fc.asyncProperty(sequence(Object.values(families).flat()).map(withoutTimedKeyspaceReads), async (commands) => {
          await d.reset();
          expect(await d.run(commands), JSON.stringify(commands)).toEqual([]);
        }),
        { numRuns: RUNS },
      );
    } finally {
      await d.run([['HELLO', '2']]);
    }
  });
});
