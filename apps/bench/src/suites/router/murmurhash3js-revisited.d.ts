// The package ships no types; this is the part the router suite calls.
declare module 'murmurhash3js-revisited' {
  const murmurHash3: {
    /** Validates every byte of every input unless set to false. */
    inputValidation: boolean;
    x86: { hash32(bytes: ArrayLike<number>, seed?: number): number };
  };
  export default murmurHash3;
}
