/**
 * Fault injection, for the package's own tests only: the failures a kernel gives rarely (a
 * submit that keeps failing, a submission queue with no room for a cancel, a kernel older than
 * 5.19 that refuses IORING_ASYNC_CANCEL_ANY) made to happen on demand, so the paths that handle
 * them are tested for real. Not exported from the package: a ring gets it only through this
 * registered symbol, and without it every hook is a null-pointer check.
 *
 * ```
 * Int32Array over a SharedArrayBuffer (the native side keeps a pointer to it and reads it at
 * each hook; the test changes it between calls, on the ring's own thread)
 *   slot  field
 *      0  submitFailures        the next N io_uring_enter submits fail with EBUSY (counts down)
 *      1  cancelSqeUnavailable  the next N requests for a cancel's SQE find the queue full (counts down)
 *      2  holdCancels           while non-zero, every cancel finds the queue full
 *      3  cancelAnyRefused      non-zero: close() asks for IORING_ASYNC_CANCEL_ANY with a flag
 *                               this kernel does not know, so it fails EINVAL as 5.15's does
 *      4  releaseDelayUs        non-zero: a wake-up that held the eventfd's signal back sleeps
 *                               this many microseconds before it lets go, the signal still held,
 *                               so io-wq workers finish ops inside that window
 * ```
 */
export const FAULTS = Symbol.for('corelane.uring.faults');

/** The slots of a faults array. */
export const Fault = {
  submitFailures: 0,
  cancelSqeUnavailable: 1,
  holdCancels: 2,
  cancelAnyRefused: 3,
  releaseDelayUs: 4,
} as const;

/** How many slots a faults array has (the native side reads each of them). */
export const FAULT_SLOTS = Object.keys(Fault).length;

/** A fresh faults array, all off. */
export function faults(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * FAULT_SLOTS));
}
