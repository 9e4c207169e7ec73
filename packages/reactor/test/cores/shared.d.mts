export function entryValue(core: number, i: number, gen: number): Uint8Array;
export function checkEntry(bytes: Uint8Array | undefined, core: number, i: number): { gen: number } | null;
export function entryKey(core: number, i: number): string;
declare const definition: unknown;
export default definition;
