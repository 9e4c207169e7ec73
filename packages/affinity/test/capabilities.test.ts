import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { capabilities } from '../src/index.js';

describe('capabilities()', () => {
  it('reports every feature with a reason, and matches what this Linux process has', () => {
    const caps = capabilities();
    expect(caps.supported).toBe(process.platform === 'linux');
    expect(caps.platform).toBe(process.platform);
    for (const key of ['pinThread', 'currentCpu', 'topology', 'realtimePriority'] as const) {
      expect(typeof caps[key].supported).toBe('boolean');
      expect(caps[key].available).toBe(caps[key].supported); // the deprecated name, for one release
      expect(caps[key].reason.length).toBeGreaterThan(5);
    }
    const capEff = BigInt(`0x${/^CapEff:\s*(\w+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]}`);
    if ((capEff >> 23n) & 1n) expect(caps.realtimePriority.reason).toMatch(/CAP_SYS_NICE/);
  });
});
