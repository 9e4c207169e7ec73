// What a Router writes into: one byte-ring producer per target, either handed in (the caller
// keeps owning it) or attached here from the ring's SharedArrayBuffer (the Router owns it and
// closes it). Every target is checked before any ring is touched.
import { CorelaneTypeError, ErrorCode } from '@corelane/shared';
import { ByteRingProducer, type SideOptions } from '@corelane/spsc';

/** A target: a byte ring from `allocateByteRing()`, or a `ByteRingProducer` already attached to one. */
export type RouterTarget = SharedArrayBuffer | ByteRingProducer;

/** The part of a `ByteRingProducer` the router uses (checked by shape, so a second copy of @corelane/spsc works too). */
export type TargetProducer = Pick<
  ByteRingProducer,
  | 'claimOffset'
  | 'data'
  | 'commit'
  | 'flush'
  | 'waitWritable'
  | 'writable'
  | 'close'
  | 'maxRecordBytes'
  | 'peerClosed'
  | 'closed'
>;

function isProducer(value: unknown): value is TargetProducer {
  if (value instanceof ByteRingProducer) return true;
  const p = value as Partial<Record<keyof TargetProducer, unknown>> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.claimOffset === 'function' &&
    p.data instanceof Uint8Array &&
    typeof p.commit === 'function' &&
    typeof p.flush === 'function' &&
    typeof p.waitWritable === 'function' &&
    typeof p.writable === 'function' &&
    typeof p.maxRecordBytes === 'number'
  );
}

/** The producers, and which of them this router attached (and so closes). */
export interface AttachedTargets {
  producers: TargetProducer[];
  owned: boolean[];
}

/**
 * Checks every target, then attaches a producer to each buffer. If an attach fails (not a byte
 * ring, producer role taken), the producers attached so far are closed before the error is
 * rethrown: a failed constructor leaves every ring as it was.
 */
export function attachTargets(targets: unknown, ringOptions: SideOptions | undefined): AttachedTargets {
  if (!Array.isArray(targets) || targets.length === 0) {
    throw new CorelaneTypeError(
      ErrorCode.INVALID_ARGUMENT,
      'targets must be a non-empty array of byte rings (SharedArrayBuffer from allocateByteRing()) or ByteRingProducers',
    );
  }
  if (targets.length > 0x7fff_ffff) throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'too many targets');
  const seen = new Set<unknown>();
  targets.forEach((target, i) => {
    if (!(target instanceof SharedArrayBuffer) && !isProducer(target)) {
      throw new CorelaneTypeError(
        ErrorCode.INVALID_ARGUMENT,
        `targets[${i}] must be a SharedArrayBuffer from allocateByteRing() or a ByteRingProducer`,
      );
    }
    if (seen.has(target)) {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `targets[${i}] is listed twice: one ring per target`);
    }
    seen.add(target);
  });
  const producers: TargetProducer[] = [];
  const owned: boolean[] = [];
  try {
    for (const target of targets as unknown[]) {
      const isBuffer = target instanceof SharedArrayBuffer;
      producers.push(isBuffer ? new ByteRingProducer(target, ringOptions) : (target as TargetProducer));
      owned.push(isBuffer);
    }
  } catch (error) {
    producers.forEach((producer, i) => {
      if (owned[i]) producer.close();
    });
    throw error;
  }
  return { producers, owned };
}
