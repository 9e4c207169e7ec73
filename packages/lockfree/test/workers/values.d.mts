export declare const FNV_START: number;
export declare function fnv(h: number, x: number): number;
export declare function makeValue(keyId: number, writer: number, seq: number, payloadLength: number): Uint8Array;
export declare function verify(bytes: Uint8Array, keyId: number): string | null;
export declare function stamp(bytes: Uint8Array): { writer: number; seq: number };
export declare function rng(seed: number): () => number;
