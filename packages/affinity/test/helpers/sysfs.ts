import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const FIXTURES = new URL('../fixtures/topology/', import.meta.url);

/** The fixture layouts in test/fixtures/topology (one `path = content` line per sysfs file). */
export const LAYOUTS = [
  'kvm-2vcpu',
  'xeon-2socket-smt',
  'ryzen-2ccx-smt',
  'laptop-smt-off',
  'hotplug-offline',
  'container-no-topology',
] as const;
export type Layout = (typeof LAYOUTS)[number];

const trees = new Map<Layout, string>();

/** Materialises a fixture as a real directory tree (once per test file) and returns its root. */
export function sysTree(layout: Layout): string {
  const existing = trees.get(layout);
  if (existing) return existing;
  const root = mkdtempSync(join(tmpdir(), `corelane-sys-${layout}-`));
  for (const line of readFileSync(new URL(`${layout}.sysfs`, FIXTURES), 'utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [path, content] = line.split(' = ') as [string, string];
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), `${content}\n`);
  }
  trees.set(layout, root);
  return root;
}

export function removeSysTrees(): void {
  for (const root of trees.values()) rmSync(root, { recursive: true, force: true });
  trees.clear();
}
