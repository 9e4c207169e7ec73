// A core with a custom codec: JSON with a marker, so the test can see the codec was used on both sides.
import { defineCore } from '../../dist/index.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const jsonCodec = {
  encode: (value) => encoder.encode(`J${JSON.stringify(value)}`),
  decode: (bytes) => {
    const text = decoder.decode(bytes);
    if (text[0] !== 'J') throw new Error('not encoded by jsonCodec');
    return JSON.parse(text.slice(1));
  },
};

export default defineCore({
  codec: jsonCodec,
  onMessage: (ctx, key, value) => ({ core: ctx.core, key, value }),
});
