/** Resolves with the wait's result, or 'still waiting' if it has not settled after `ms` (a hang detector, not a timing assertion). */
export function within<T>(wait: Promise<T>, ms: number): Promise<T | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still waiting'>((resolve) => {
    timer = setTimeout(() => resolve('still waiting'), ms);
  });
  return Promise.race([wait, late]).finally(() => clearTimeout(timer));
}
