/** Human-readable numbers for the table and the HTML report (the JSON keeps raw numbers). */

function sig3(x: number): string {
  const abs = Math.abs(x);
  if (abs >= 100) return x.toFixed(0);
  if (abs >= 10) return x.toFixed(1);
  if (abs >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

const TIME_UNITS: [number, string][] = [
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
  [1, 'ns'],
];

const PREFIXES: [number, string][] = [
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/**
 * `1530000, 'ns/op'` → `1.53 ms/op`; `61234, 'msgs/s'` → `61.2 k msgs/s`; other units print the
 * number with three significant digits.
 */
export function formatValue(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return '–';
  const time = /^ns(\/.*)?$/.exec(unit);
  if (time) {
    const rest = time[1] ?? '';
    for (const [scale, name] of TIME_UNITS) {
      if (Math.abs(value) >= scale || scale === 1) return `${sig3(value / scale)} ${name}${rest}`;
    }
  }
  if (unit.endsWith('/s')) {
    for (const [scale, prefix] of PREFIXES) {
      if (Math.abs(value) >= scale) return `${sig3(value / scale)} ${prefix} ${unit}`;
    }
  }
  return `${sig3(value)} ${unit}`;
}

/** A ratio with three significant digits (0.000123 → `0.000123`, 12.345 → `12.3`). */
export function formatRatio(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '–';
  return sig3(ratio);
}
