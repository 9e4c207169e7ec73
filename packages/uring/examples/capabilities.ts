// Which backend does this machine give, and why? Nothing pretends to use io_uring.
import { capabilities, IoRing } from '@corelane/uring';

const caps = capabilities();
console.log(`backend: ${caps.backend} (${caps.reason})`);
console.log(`io_uring: ${caps.ioUring.supported ? 'yes' : 'no'} (${caps.ioUring.reason})`);

const ring = new IoRing();
console.log(`this ring: ${ring.backend}, flags [${ring.info.setupFlags.join(', ')}]`);
ring.close();

const fallback = new IoRing({ backend: 'threadpool' }); // or CORELANE_URING=off in the environment
console.log(`fallback ring: ${fallback.backend} (${fallback.info.reason})`);
fallback.close();
