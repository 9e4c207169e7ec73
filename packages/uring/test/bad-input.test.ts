// Bad input throws a typed error with a stable code before anything is staged or submitted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IoRing } from '../src/index.js';
import { backends } from './helpers/files.js';

const RANGE = 'ERR_CORELANE_OUT_OF_RANGE';
const TYPE = 'ERR_CORELANE_INVALID_ARGUMENT';

function detached(): Uint8Array {
  const view = new Uint8Array(16);
  structuredClone(view.buffer, { transfer: [view.buffer] });
  return view;
}

// [label, call, error class, code]
const cases: [string, (r: IoRing) => unknown, typeof TypeError | typeof RangeError, string][] = [
  ['fd -1', (r) => r.read(-1, Buffer.alloc(4), 0), RangeError, RANGE],
  ['fd 1.5', (r) => r.write(1.5, Buffer.alloc(4), 0), RangeError, RANGE],
  ['fd NaN', (r) => r.fsync(Number.NaN), RangeError, RANGE],
  ['fd 2^31', (r) => r.closeFile(2 ** 31), RangeError, RANGE],
  ['fd as a string', (r) => r.closeFile('3' as unknown as number), TypeError, TYPE],
  ['position -2', (r) => r.read(0, Buffer.alloc(4), -2), RangeError, RANGE],
  ['position 0.5', (r) => r.write(0, Buffer.alloc(4), 0.5), RangeError, RANGE],
  ['position as a string', (r) => r.read(0, Buffer.alloc(4), '0' as unknown as number), TypeError, TYPE],
  ['length past the buffer', (r) => r.read(0, Buffer.alloc(4), 0, { length: 5 }), RangeError, RANGE],
  [
    'offset + length past the buffer',
    (r) => r.write(0, Buffer.alloc(8), 0, { offset: 4, length: 5 }),
    RangeError,
    RANGE,
  ],
  ['offset past the buffer', (r) => r.read(0, Buffer.alloc(4), 0, { offset: 5 }), RangeError, RANGE],
  ['negative length', (r) => r.read(0, Buffer.alloc(4), 0, { length: -1 }), RangeError, RANGE],
  ['a detached buffer', (r) => r.read(0, detached(), 0), TypeError, TYPE],
  ['a detached buffer in readv', (r) => r.readv(0, [Buffer.alloc(1), detached()], 0), TypeError, TYPE],
  ['a string as buffer', (r) => r.write(0, 'abc' as unknown as Buffer, 0), TypeError, TYPE],
  ['readv without an array', (r) => r.readv(0, Buffer.alloc(4) as unknown as Buffer[], 0), TypeError, TYPE],
  ['an empty path', (r) => r.open(''), RangeError, RANGE],
  ['a path with NUL', (r) => r.unlink('a\0b'), RangeError, RANGE],
  ['a number as path', (r) => r.mkdir(3 as unknown as string), TypeError, TYPE],
  ['unknown open flags', (r) => r.open('/tmp/x', 'rw'), TypeError, TYPE],
  ['mode 0o10000', (r) => r.open('/tmp/x', 'r', 0o10000), RangeError, RANGE],
  ['ftruncate to -1', (r) => r.ftruncate(0, -1), RangeError, RANGE],
  ['fallocate of length 0', (r) => r.fallocate(0, 0, 0), RangeError, RANGE],
  ['timeout of -1 ms', (r) => r.timeout(-1), RangeError, RANGE],
  ['timeout of NaN ms', (r) => r.timeout(Number.NaN), RangeError, RANGE],
  ['a signal that is not an AbortSignal', (r) => r.timeout(1, { signal: {} as AbortSignal }), TypeError, TYPE],
  ['dataOnly as a string', (r) => r.fsync(0, { dataOnly: 'yes' as unknown as boolean }), TypeError, TYPE],
  [
    'a registered buffer never registered',
    (r) => r.read(0, Buffer.alloc(4), 0, { registeredBuffer: 0 }),
    RangeError,
    RANGE,
  ],
];

describe.each(backends)('%s: bad input', (backend) => {
  let ring: IoRing;
  beforeAll(() => {
    ring = new IoRing({ backend });
  });
  afterAll(() => ring.close());

  it.each(cases)('%s throws before anything is submitted', (_label, call, kind, code) => {
    let thrown: unknown;
    try {
      call(ring);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(kind);
    expect(thrown).toMatchObject({ code });
    expect(ring.inFlight).toBe(0);
    expect(ring.submit()).toBe(0);
  });

  it('a closed ring throws ERR_CORELANE_CLOSED for every operation', () => {
    const gone = new IoRing({ backend });
    gone.close();
    for (const call of [
      () => gone.read(0, Buffer.alloc(1), 0),
      () => gone.open('/tmp'),
      () => gone.poll(),
      () => gone.submit(),
      () => gone.registerFiles([0]),
    ]) {
      expect(call).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_CLOSED' }));
    }
  });
});

describe('new IoRing() bad options', () => {
  it.each([
    ['entries 0', { entries: 0 }, RangeError, RANGE],
    ['entries 1.5', { entries: 1.5 }, RangeError, RANGE],
    ['entries 65536', { entries: 65_536 }, RangeError, RANGE],
    ['an unknown backend', { backend: 'epoll' }, RangeError, RANGE],
    ['threads 0', { threads: 0 }, RangeError, RANGE],
    ['submitEvery 0', { submitEvery: 0 }, RangeError, RANGE],
    ['submitEvery above entries', { entries: 16, submitEvery: 17 }, RangeError, RANGE],
    ['submitEvery as a string', { submitEvery: '8' }, TypeError, TYPE],
    ['sqpoll as a string', { sqpoll: 'on' }, TypeError, TYPE],
    ['options as a number', 5, TypeError, TYPE],
  ] as [string, unknown, typeof TypeError, string][])('%s', (_label, options, kind, code) => {
    let thrown: unknown;
    try {
      new IoRing(options as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(kind);
    expect(thrown).toMatchObject({ code });
  });
});
