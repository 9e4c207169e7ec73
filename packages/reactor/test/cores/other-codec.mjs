// A core whose defineCore({ codec }) is not the codec a test hands Runtime.start (a mismatch).
import { defineCore } from '../../dist/index.js';

export default defineCore({
  codec: {
    encode: (value) => new TextEncoder().encode(JSON.stringify(value)),
    decode: (b) => JSON.parse(new TextDecoder().decode(b)),
  },
  onMessage: () => null,
});
