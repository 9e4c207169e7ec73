// A full garbage collection on demand, for the router throughput case: each sample starts on a
// clean heap in every thread, so no side pays for the garbage of the sample before it (the
// postMessage peer leaves ~200,000 messages behind in the consumers and the main thread; ours
// leaves none). V8's `gc()` is exposed at run time here rather than with `--expose-gc` on the
// command line: the flag only adds the function to contexts created after it is set.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** Runs a full, blocking garbage collection of the calling thread's heap. */
export function collectGarbage(): void {
  if (collect === undefined) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}
