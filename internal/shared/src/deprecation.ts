import process from 'node:process';

const warned = new Set<string>();

/**
 * Emits one `DeprecationWarning` per process for an old name kept as an alias, so a renamed
 * API keeps working for a release while saying what replaces it. `code` is stable
 * (`CORELANE_DEP<n>`), so users can silence one with `--disable-warning=<code>`.
 */
export function deprecated(code: string, oldName: string, newName: string): void {
  if (warned.has(code)) return;
  warned.add(code);
  process.emitWarning(`${oldName} is deprecated; use ${newName}`, { type: 'DeprecationWarning', code });
}
