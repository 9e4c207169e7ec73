// Cancel an operation in flight with an AbortSignal, and shut a ring down with work pending.
import { IoRing } from '@corelane/uring';

const ring = new IoRing();
const controller = new AbortController();
const slow = ring.timeout(60_000, { signal: controller.signal });
controller.abort();
await slow.catch((error) => console.log(`aborted: ${error.code}`));

const pending = ring.timeout(60_000);
ring.submit();
ring.close(); // cancels what is in flight and waits for the kernel to let go
await pending.catch((error) => console.log(`closed: ${error.code}`));
