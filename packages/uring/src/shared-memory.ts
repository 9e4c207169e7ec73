/**
 * The SharedArrayBuffers a ring's reads and writes have used, each under a small index the
 * native side keeps the buffer's base address at: an op over one then names its memory as
 * (index, byte offset) in its descriptor, and the native side finds the bytes with no N-API call
 * (measured on 4 KiB reads at depth 32 from /dev/shm: the typed-array introspection of each op's
 * view and the lookup of its ref were about 6% of the ring thread's time).
 *
 * ```
 * JS                                        native (Ring::shared_bases_)
 * WeakMap<SharedArrayBuffer, index> ──────▶ index → base address of the buffer's memory
 *   op descriptor: flags |= sharedView, a1 = index, a2 = view.byteOffset
 *   native: data = base[index] + a2
 * ```
 *
 * Proof obligation (the native side never uses the address of memory that is gone): an index
 * is handed out only for a live buffer, and an op that names it holds its view (and so the
 * buffer) in its pending record until its completion has been reaped or the ring has waited for
 * the kernel to let go of it. A SharedArrayBuffer's memory never moves and never shrinks while
 * it lives (a growable one reserves its maximum up front; a shared WebAssembly.Memory grows in
 * place), so the base stays right for every view of it. An index is reused only after its
 * buffer was collected (the FinalizationRegistry), when no op can still name it, and its base is
 * written again before the first op that names it is submitted.
 */
// The typed arrays' own accessors, taken once at load. A view (or its class) can override
// `buffer`, `byteOffset` and `byteLength` with getters that lie, and the native side, which reads
// no view here, would use the memory they named: these read the view's internal slots instead.
const apply = Reflect.apply;
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
function accessor<T>(name: 'buffer' | 'byteOffset' | 'byteLength'): (view: Uint8Array) => T {
  const get = Object.getOwnPropertyDescriptor(TypedArrayPrototype, name)?.get as () => T;
  return (view) => apply(get, view, []) as T;
}
const bufferOfView = accessor<ArrayBufferLike>('buffer');
/** The view's true byte offset in its buffer (no getter of its own is called). */
export const viewByteOffset = accessor<number>('byteOffset');
/** The view's true length in bytes (no getter of its own is called). */
export const viewByteLength = accessor<number>('byteLength');

/** The view's true buffer, or undefined: not a typed array (an object posing as one). */
function viewBuffer(view: Uint8Array): ArrayBufferLike | undefined {
  try {
    return bufferOfView(view);
  } catch {
    return undefined;
  }
}

export class SharedMemoryTable {
  readonly #indexes = new WeakMap<SharedArrayBuffer, number>();
  readonly #free: number[] = [];
  readonly #collected = new FinalizationRegistry<number>((index) => this.#free.push(index));
  readonly #register: (index: number, view: Uint8Array) => boolean;
  #next = 0;
  /** The last buffer looked up and its index: most rings read into one buffer over and over. */
  #last: SharedArrayBuffer | undefined = undefined;
  #lastIndex = -1;

  /** `register(index, view)` stores the base of `view`'s buffer under `index`; false: refused. */
  constructor(register: (index: number, view: Uint8Array) => boolean) {
    this.#register = register;
  }

  /**
   * The index of `view`'s true buffer (registered now if new), or -1: not shared, not a typed
   * array, or refused.
   */
  indexOf(view: Uint8Array): number {
    const buffer = viewBuffer(view);
    if (buffer === undefined) return -1;
    if (buffer === this.#last) return this.#lastIndex;
    if (!(buffer instanceof SharedArrayBuffer)) return -1;
    let index = this.#indexes.get(buffer);
    if (index === undefined) {
      index = this.#free.pop() ?? this.#next++;
      if (!this.#register(index, view)) {
        this.#free.push(index);
        return -1;
      }
      this.#indexes.set(buffer, index);
      this.#collected.register(buffer, index);
    }
    this.#last = buffer;
    this.#lastIndex = index;
    return index;
  }

  /** Lets go of the last buffer looked up (the ring is idle): the table keeps no buffer alive. */
  forgetLast(): void {
    this.#last = undefined;
    this.#lastIndex = -1;
  }
}
