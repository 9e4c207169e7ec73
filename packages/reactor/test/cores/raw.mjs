// A core for the 'raw' codec: gets a Uint8Array view, answers with its bytes reversed.
import { defineCore } from '../../dist/index.js';

export default defineCore({
  onMessage: (_ctx, _key, bytes) => {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('expected bytes');
    return bytes.slice().reverse();
  },
});
