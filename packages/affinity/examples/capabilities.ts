// What works on this machine, and why not where it does not. Run: node examples/capabilities.ts
import { capabilities } from '@corelane/affinity';

const caps = capabilities();
console.log(`supported: ${caps.supported} (${caps.platform})`);
for (const [name, capability] of Object.entries(caps)) {
  if (typeof capability === 'object')
    console.log(`${name}: ${capability.supported ? 'yes' : 'no'} — ${capability.reason}`);
}
