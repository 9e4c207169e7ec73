// Every bad input throws a typed error with a stable code; a bad option or module throws
// before any worker starts (no worker thread is ever created).
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { defineCore, Runtime, type RuntimeOptions } from '../dist/index.js';
import { LAB, withLab } from './helpers/lab.js';

/** The id the next worker thread gets: ids count up per process, so a gap means a worker was started. */
async function nextThreadId(): Promise<number> {
  const probe = new Worker('', { eval: true });
  const id = probe.threadId;
  await probe.terminate();
  return id;
}

const cores = (name: string) => new URL(`./cores/${name}`, import.meta.url);

const badOptions: [string, string, Partial<RuntimeOptions> & Record<string, unknown>][] = [
  ['no module', 'ERR_CORELANE_INVALID_ARGUMENT', { module: undefined as unknown as string }],
  ['module a number', 'ERR_CORELANE_INVALID_ARGUMENT', { module: 42 as unknown as string }],
  ['module missing', 'ERR_CORELANE_BAD_MODULE', { module: cores('does-not-exist.mjs') }],
  ['module not a file: URL', 'ERR_CORELANE_BAD_MODULE', { module: new URL('https://example.com/core.js') }],
  ['module without a default export', 'ERR_CORELANE_BAD_MODULE', { module: cores('no-default.mjs') }],
  ['default export not from defineCore()', 'ERR_CORELANE_BAD_MODULE', { module: cores('plain-object.mjs') }],
  ['cores 0', 'ERR_CORELANE_OUT_OF_RANGE', { cores: 0 }],
  ['cores 1.5', 'ERR_CORELANE_OUT_OF_RANGE', { cores: 1.5 }],
  ['cores a string', 'ERR_CORELANE_INVALID_ARGUMENT', { cores: 'many' as unknown as number }],
  ['cores more than CPUs (pinned)', 'ERR_CORELANE_OUT_OF_RANGE', { cores: 4096 }],
  ['cores an empty list', 'ERR_CORELANE_EMPTY_CPU_SET', { cores: [] }],
  ['cores an unavailable CPU', 'ERR_CORELANE_CPU_UNAVAILABLE', { cores: [100_000] }],
  ['cores a repeated CPU', 'ERR_CORELANE_OUT_OF_RANGE', { cores: [0, 0] }],
  ['idle unknown', 'ERR_CORELANE_OUT_OF_RANGE', { idle: 'nap' as 'park' }],
  ['idle.spinMs negative', 'ERR_CORELANE_OUT_OF_RANGE', { idle: { spinMs: -1 } }],
  ['ring not a power of two', 'ERR_CORELANE_OUT_OF_RANGE', { ring: 5000 }],
  ['ring too small', 'ERR_CORELANE_OUT_OF_RANGE', { ring: 1024 }],
  ['backpressure unknown', 'ERR_CORELANE_OUT_OF_RANGE', { backpressure: 'wait' as 'block' }],
  ['backpressure.overflow negative', 'ERR_CORELANE_OUT_OF_RANGE', { backpressure: { overflow: -1 } }],
  ['codec unknown', 'ERR_CORELANE_INVALID_ARGUMENT', { codec: 'json' as 'raw' }],
  [
    'codec custom but not in the module',
    'ERR_CORELANE_INVALID_ARGUMENT',
    { codec: { encode: () => new Uint8Array(), decode: () => 0 } },
  ],
  ['restart negative', 'ERR_CORELANE_OUT_OF_RANGE', { restart: -1 }],
  ['restart.windowMs 0', 'ERR_CORELANE_OUT_OF_RANGE', { restart: { windowMs: 0 } }],
  ['heartbeatMs too small', 'ERR_CORELANE_OUT_OF_RANGE', { heartbeatMs: 1 }],
  ['budget 0', 'ERR_CORELANE_OUT_OF_RANGE', { budget: 0 }],
  ['pin not a boolean', 'ERR_CORELANE_INVALID_ARGUMENT', { pin: 'yes' as unknown as boolean }],
  ['fsync unknown', 'ERR_CORELANE_OUT_OF_RANGE', { fsync: 'sometimes' as 'none' }],
];

describe('bad options and modules', () => {
  it.each(badOptions)('%s → %s, no worker started', async (_name, code, options) => {
    const before = await nextThreadId();
    await expect(Runtime.start({ module: LAB, cores: 1, ...options } as RuntimeOptions)).rejects.toMatchObject({
      code,
    });
    expect(await nextThreadId()).toBe(before + 1);
  });

  it("a custom codec that is not the module's defineCore({ codec }) → ERR_CORELANE_INVALID_ARGUMENT, no worker started", async () => {
    const { jsonCodec } = (await import(String(cores('custom-codec.mjs')))) as {
      jsonCodec: { encode(v: unknown): Uint8Array; decode(b: Uint8Array): unknown };
    };
    const before = await nextThreadId();
    // The module has a codec of its own: the main thread would encode what its cores cannot decode.
    await expect(Runtime.start({ module: cores('other-codec.mjs'), cores: 1, codec: jsonCodec })).rejects.toMatchObject(
      {
        code: 'ERR_CORELANE_INVALID_ARGUMENT',
        message: expect.stringMatching(/not the codec/),
      },
    );
    expect(await nextThreadId()).toBe(before + 1);
    // A module with a codec, started without one: the same mismatch the other way.
    await expect(Runtime.start({ module: cores('custom-codec.mjs'), cores: 1 })).rejects.toMatchObject({
      code: 'ERR_CORELANE_INVALID_ARGUMENT',
      message: expect.stringMatching(/pass that same object/),
    });
    expect(await nextThreadId()).toBe(before + 2);
  });

  it('a definition with state needs dataDir (typed, before any worker)', async () => {
    const before = await nextThreadId();
    await expect(Runtime.start({ module: cores('stateful.mjs'), cores: 1 })).rejects.toMatchObject({
      code: 'ERR_CORELANE_INVALID_ARGUMENT',
    });
    expect(await nextThreadId()).toBe(before + 1);
  });

  it('Runtime.start() without options, or with a non-object', async () => {
    await expect(Runtime.start(undefined as unknown as RuntimeOptions)).rejects.toMatchObject({
      code: 'ERR_CORELANE_INVALID_ARGUMENT',
    });
    await expect(Runtime.start('lab' as unknown as RuntimeOptions)).rejects.toMatchObject({
      code: 'ERR_CORELANE_INVALID_ARGUMENT',
    });
  });

  it('defineCore() refuses a definition without onMessage or with a non-function hook', () => {
    expect(() => defineCore({} as never)).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_INVALID_ARGUMENT' }));
    expect(() => defineCore({ onMessage() {}, init: 5 } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_CORELANE_INVALID_ARGUMENT' }),
    );
    expect(() => defineCore(null as never)).toThrow(TypeError);
  });
});

describe('bad calls on a running runtime', () => {
  it('bad keys, bad core numbers, too-large values and raw values that are not bytes', async () => {
    await withLab({ cores: 2, ring: 4096 }, async (rt) => {
      for (const key of [1.5, Number.NaN, {}, null, undefined, 2n ** 70n]) {
        expect(() => rt.send(key as string, 1)).toThrow(
          expect.objectContaining({ code: expect.stringMatching(/^ERR_CORELANE_(INVALID_ARGUMENT|OUT_OF_RANGE)$/) }),
        );
        expect(() => rt.request(key as string, 1)).toThrow(
          expect.objectContaining({ code: expect.stringMatching(/^ERR_CORELANE_/) }),
        );
      }
      for (const core of [-1, 2, 1.5, '0']) {
        expect(() => rt.sendTo(core as number, 1)).toThrow(
          expect.objectContaining({ code: expect.stringMatching(/^ERR_CORELANE_(INVALID_ARGUMENT|OUT_OF_RANGE)$/) }),
        );
        expect(() => rt.requestTo(core as number, 1)).toThrow(
          expect.objectContaining({ code: expect.stringMatching(/^ERR_CORELANE_/) }),
        );
      }
      // Larger than a 4 KiB ring can ever hold: refused, nothing sent, the runtime still works.
      expect(() => rt.send('k', 'x'.repeat(5000))).toThrow(
        expect.objectContaining({ code: 'ERR_CORELANE_RECORD_TOO_LARGE' }),
      );
      expect(await rt.request('k', { op: 'echo', v: 'still fine' })).toBe('still fine');
      // A request whose reply cannot be encoded rejects (the handler's value is a function).
      await expect(rt.request('k', { op: 'echo', v: 1n << 80n })).resolves.toBe(1n << 80n);
    });
  }, 30_000);
});

describe('codecs', () => {
  it('the default codec keeps structured values: objects, arrays, strings, numbers, bigint, bytes, Map, Set, Date', async () => {
    await withLab({ cores: 2 }, async (rt) => {
      const value = {
        s: 'héllo ✓',
        n: [0, -1, 2 ** 53 - 1, 1.5, Number.NEGATIVE_INFINITY],
        big: -(2n ** 63n),
        bytes: new Uint8Array([0, 1, 255]),
        map: new Map<unknown, unknown>([
          [1, 'one'],
          ['two', { nested: [2] }],
        ]),
        set: new Set(['a', 3]),
        date: new Date(1_700_000_000_000),
        nil: null,
        deep: { a: { b: { c: [true, false] } } },
      };
      expect(await rt.request('k', { op: 'echo', v: value })).toEqual(value);
      expect(await rt.request('k', { op: 'echo', v: undefined })).toBeUndefined();
    });
  }, 30_000);

  it("'raw' passes bytes untouched; anything else is refused before it is sent", async () => {
    const rt = await Runtime.start({ module: cores('raw.mjs'), cores: 2, codec: 'raw' });
    try {
      const bytes = new Uint8Array(1000).map((_, i) => i & 0xff);
      const reply = (await rt.request('k', bytes)) as Uint8Array;
      expect(reply).toBeInstanceOf(Uint8Array);
      expect([...reply]).toEqual([...bytes].reverse());
      expect(() => rt.send('k', { not: 'bytes' })).toThrow(
        expect.objectContaining({ code: 'ERR_CORELANE_INVALID_ARGUMENT' }),
      );
    } finally {
      await rt.stop();
    }
  }, 30_000);

  it('a custom codec is used on both sides', async () => {
    const { jsonCodec } = (await import(String(cores('custom-codec.mjs')))) as {
      jsonCodec: { encode(v: unknown): Uint8Array; decode(b: Uint8Array): unknown };
    };
    const rt = await Runtime.start({ module: cores('custom-codec.mjs'), cores: 2, codec: jsonCodec });
    try {
      expect(await rt.request('k', { a: [1, 2] })).toEqual({ core: rt.owner('k'), key: 'k', value: { a: [1, 2] } });
    } finally {
      await rt.stop();
    }
  }, 30_000);
});
