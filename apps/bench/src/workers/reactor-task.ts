/**
 * The piscina task file of the reactor suite (dist/workers/reactor-task.js). The default export
 * generates keyed events the way a reactor core does and returns its partial counts (the main
 * thread merges them); `noop` is the fire-and-forget peer's task.
 */
export default function aggregate({ n, keys, seed }: { n: number; keys: string[]; seed: number }): [string, number][] {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const k = keys[(i * 31 + seed * 17) % keys.length] as string;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts];
}

/** A task that does nothing. */
export function noop(): number {
  return 0;
}
