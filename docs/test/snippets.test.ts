// Code shown in the docs comes from example files that the packages' tests run, so a docs sample
// cannot rot. This test holds the Markdown to that rule:
//   - every `<<< path` snippet import resolves to an existing file inside a package's examples/;
//   - no ```ts / ```js block written into the Markdown imports a corelane package or calls a
//     corelane API (signatures such as `function pinThread(…): Cpu[]` are fine: they call nothing);
//   - a package page shows every example of its package and names every export of its index.ts;
//   - every ERR_CORELANE_* code the pages mention exists in internal/shared/src/errors.ts.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const DOCS_ROOT = fileURLToPath(new URL('../', import.meta.url));
const REPO_ROOT = resolve(DOCS_ROOT, '..');

/** Fence languages whose blocks are code that could call an API. */
const CODE_LANGS = new Set(['ts', 'typescript', 'tsx', 'mts', 'cts', 'js', 'javascript', 'jsx', 'mjs', 'cjs']);

/** Folders under the docs root that hold no pages of the site. */
const SKIPPED_DIRS = new Set(['node_modules', join('.vitepress', 'cache'), join('.vitepress', 'dist')]);

function markdownFiles(docsRoot: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(relative(docsRoot, path)) && entry.name !== 'node_modules') walk(path);
      } else if (entry.isFile() && entry.name.endsWith('.md')) {
        out.push(path);
      }
    }
  };
  walk(docsRoot);
  return out.sort();
}

interface Snippet {
  line: number;
  raw: string;
  /** The file path as written, before resolution (`@/…` or relative to the page). */
  filepath: string;
  region: string | undefined;
}

interface Fence {
  line: number;
  lang: string;
  body: string;
}

// The same grammar VitePress uses for `<<< path#region{lines lang attrs} [title]`.
const SNIPPET_PATH =
  /^(.+?(?:(?:\.([a-z0-9]+))?))(?:(#[\w-]+))?(?: ?(?:{(\d+(?:[,-]\d+)*)? ?(\S+)? ?(\S+)?}))? ?(?:\[(.+)\])?$/;

/** Finds snippet imports and fenced code blocks, as markdown-it would (snippets inside fences are text). */
function scanMarkdown(text: string): { snippets: Snippet[]; fences: Fence[] } {
  const snippets: Snippet[] = [];
  const fences: Fence[] = [];
  const lines = text.split(/\r?\n/);
  let open: { marker: string; lang: string; line: number; body: string[] } | null = null;
  lines.forEach((lineText, i) => {
    if (open) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(lineText);
      if (close?.[1] && close[1][0] === open.marker[0] && close[1].length >= open.marker.length) {
        fences.push({ line: open.line, lang: open.lang, body: open.body.join('\n') });
        open = null;
      } else {
        open.body.push(lineText);
      }
      return;
    }
    const fence = /^ {0,3}(`{3,}|~{3,})\s*([^\s`{:[]*)/.exec(lineText);
    if (fence?.[1]) {
      open = { marker: fence[1], lang: (fence[2] ?? '').toLowerCase(), line: i + 1, body: [] };
      return;
    }
    const snippet = /^ {0,3}<<<\s*(\S.*?)\s*$/.exec(lineText);
    if (snippet?.[1]) {
      const match = SNIPPET_PATH.exec(snippet[1]);
      snippets.push({
        line: i + 1,
        raw: snippet[1],
        filepath: match?.[1]?.trim() ?? snippet[1],
        region: match?.[3]?.slice(1),
      });
    }
  });
  if (open !== null) {
    const unclosed = open as { lang: string; line: number; body: string[] };
    fences.push({ line: unclosed.line, lang: unclosed.lang, body: unclosed.body.join('\n') });
  }
  return { snippets, fences };
}

/** Resolves a snippet path the way VitePress does: `@/` is the docs root, anything else is relative to the page. */
function resolveSnippet(docsRoot: string, page: string, filepath: string): string {
  return filepath.startsWith('@/') || filepath === '@'
    ? resolve(docsRoot, `.${filepath.slice(1)}`)
    : resolve(dirname(page), filepath);
}

/** Exported names of a module, following relative `export * from` (types separately). */
function moduleExports(file: string, seen = new Set<string>()): { values: Set<string>; types: Set<string> } {
  const values = new Set<string>();
  const types = new Set<string>();
  if (seen.has(file) || !existsSync(file)) return { values, types };
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const match of source.matchAll(/export\s+(type\s+)?\{([^}]*)\}/g)) {
    const allTypes = match[1] !== undefined;
    for (const part of (match[2] ?? '').split(',')) {
      const spec = part.trim().replace(/\s+/g, ' ');
      if (spec === '') continue;
      const isType = allTypes || spec.startsWith('type ');
      const name =
        spec
          .replace(/^type /, '')
          .split(' as ')
          .pop()
          ?.trim() ?? '';
      if (name !== '') (isType ? types : values).add(name);
    }
  }
  for (const match of source.matchAll(
    /export\s+(?:declare\s+)?(?:async\s+)?(function\*?|const|let|class|enum)\s+([\w$]+)/g,
  )) {
    values.add(match[2] as string);
  }
  for (const match of source.matchAll(/export\s+(?:declare\s+)?(?:type|interface)\s+([\w$]+)/g)) {
    types.add(match[1] as string);
  }
  for (const match of source.matchAll(/export\s+\*\s+from\s+['"](\.[^'"]+)['"]/g)) {
    const target = resolve(dirname(file), (match[1] as string).replace(/\.js$/, '.ts'));
    const nested = moduleExports(target, seen);
    for (const v of nested.values) values.add(v);
    for (const t of nested.types) types.add(t);
  }
  return { values, types };
}

/** The packages of the repository that have a `src/index.ts`, with their exports. */
function packageExports(repoRoot: string): Map<string, { values: Set<string>; types: Set<string> }> {
  const out = new Map<string, { values: Set<string>; types: Set<string> }>();
  const packagesDir = join(repoRoot, 'packages');
  if (!existsSync(packagesDir)) return out;
  for (const name of readdirSync(packagesDir).sort()) {
    const index = join(packagesDir, name, 'src', 'index.ts');
    if (existsSync(index)) out.set(name, moduleExports(index));
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Why a hand-written code block breaks the rule, or null when it is fine. */
function forbiddenCode(body: string, apiNames: Iterable<string>): string | null {
  const imported = /(?:from\s*|require\s*\(\s*|import\s*\(\s*|import\s+)['"](@corelane\/[^'"]*)['"]/.exec(body);
  if (imported) return `imports ${imported[1]}`;
  // Comments run nothing: a type block may say "the default is topology()". Code may not call it.
  const code = body.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  for (const name of apiNames) {
    // A call or construction: `name(`, `ns.name(`, `new Name(`; not a declaration `function name(`.
    const call = new RegExp(`(?<!function\\s+)(?<![\\w$])${escapeRegExp(name)}\\s*\\(`).exec(code);
    if (call) return `calls ${name}()`;
  }
  return null;
}

interface CheckOptions {
  docsRoot: string;
  repoRoot: string;
}

/** Every breach of the docs' code rule, as `file:line: message`; empty when the docs are clean. */
function checkDocs({ docsRoot, repoRoot }: CheckOptions): string[] {
  const problems: string[] = [];
  const exportsByPackage = packageExports(repoRoot);
  const apiNames = new Set<string>();
  const allExports = new Set<string>();
  for (const { values, types } of exportsByPackage.values()) {
    for (const v of values) {
      apiNames.add(v);
      allExports.add(v);
    }
    for (const t of types) allExports.add(t);
  }
  const included = new Set<string>();
  const examplesRoot = join(repoRoot, 'packages');
  const errorsFile = join(repoRoot, 'internal', 'shared', 'src', 'errors.ts');
  const knownCodes = new Set(
    existsSync(errorsFile) ? readFileSync(errorsFile, 'utf8').match(/ERR_CORELANE_[A-Z0-9_]+/g) : [],
  );

  for (const page of markdownFiles(docsRoot)) {
    const where = (line: number) => `${relative(docsRoot, page)}:${line}`;
    const text = readFileSync(page, 'utf8');
    const { snippets, fences } = scanMarkdown(text);

    for (const code of new Set(text.match(/ERR_CORELANE_[A-Z0-9_]+/g))) {
      if (!knownCodes.has(code)) problems.push(`${relative(docsRoot, page)}: ${code} is not an error code of corelane`);
    }

    for (const snippet of snippets) {
      const target = resolveSnippet(docsRoot, page, snippet.filepath);
      const inRepo = relative(examplesRoot, target).split(sep);
      if (!existsSync(target) || !statSync(target).isFile()) {
        problems.push(`${where(snippet.line)}: snippet <<< ${snippet.raw} points to a missing file (${target})`);
        continue;
      }
      if (inRepo[0] === '..' || inRepo.length < 3 || inRepo[1] !== 'examples') {
        problems.push(
          `${where(snippet.line)}: snippet <<< ${snippet.raw} is not a package example (packages/<name>/examples/…): ${target}`,
        );
        continue;
      }
      if (snippet.region !== undefined) {
        const marker = new RegExp(`#region\\s+${escapeRegExp(snippet.region)}\\b`);
        if (!marker.test(readFileSync(target, 'utf8'))) {
          problems.push(`${where(snippet.line)}: snippet <<< ${snippet.raw}: no #region ${snippet.region} in the file`);
        }
      }
      included.add(target);
    }

    for (const fence of fences) {
      if (!CODE_LANGS.has(fence.lang)) continue;
      const why = forbiddenCode(fence.body, apiNames);
      if (why !== null) {
        problems.push(
          `${where(fence.line)}: a hand-written \`\`\`${fence.lang} block ${why}; include an example file with <<< instead`,
        );
      }
      for (const match of fence.body.matchAll(/(?<![\w$])function\s+([\w$]+)\s*\(/g)) {
        const name = match[1] as string;
        if (!allExports.has(name)) {
          problems.push(`${where(fence.line)}: documents function ${name}(), which no package exports`);
        }
      }
    }
  }

  // A package page shows every example of its package and names every export.
  for (const [name, { values, types }] of exportsByPackage) {
    const page = join(docsRoot, 'packages', `${name}.md`);
    if (!existsSync(page)) continue;
    const examplesDir = join(examplesRoot, name, 'examples');
    const examples = existsSync(examplesDir) ? readdirSync(examplesDir).filter((f) => /\.[cm]?[jt]s$/.test(f)) : [];
    for (const example of examples.sort()) {
      if (!included.has(join(examplesDir, example))) {
        problems.push(`packages/${name}/examples/${example} is shown on no page (include it with <<<)`);
      }
    }
    const text = readFileSync(page, 'utf8');
    for (const exported of [...values, ...types].sort()) {
      if (!new RegExp(`(?<![\\w$])${escapeRegExp(exported)}(?![\\w$])`).test(text)) {
        problems.push(`${relative(docsRoot, page)}: export ${exported} of @corelane/${name} is not documented`);
      }
    }
  }
  return problems;
}

describe('the docs show only tested example code', () => {
  it('finds the pages and the snippets (the scan is not vacuous)', () => {
    const pages = markdownFiles(DOCS_ROOT).map((p) => relative(DOCS_ROOT, p).split(sep).join('/'));
    expect(pages).toEqual(expect.arrayContaining(['index.md', 'guide/getting-started.md', 'packages/affinity.md']));
    expect(pages.some((p) => p.startsWith('.vitepress/') || p.includes('node_modules'))).toBe(false);
    const affinity = scanMarkdown(readFileSync(join(DOCS_ROOT, 'packages/affinity.md'), 'utf8'));
    expect(affinity.snippets.length).toBeGreaterThanOrEqual(5);
    expect(packageExports(REPO_ROOT).get('affinity')?.values).toContain('pinThread');
  });

  it('has no broken snippet, no hand-written API call, no undocumented export or example', () => {
    expect(checkDocs({ docsRoot: DOCS_ROOT, repoRoot: REPO_ROOT })).toEqual([]);
  });
});

describe('the checker itself', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'corelane-docs-test-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  /** A tiny repository: one package with one export and one example, and a docs folder. */
  function fixture(pages: Record<string, string>): CheckOptions {
    const repoRoot = mkdtempSync(join(tmp, 'repo-'));
    const docsRoot = join(repoRoot, 'docs');
    const files: Record<string, string> = {
      'packages/demo/src/index.ts': "export { type Widget, makeWidget } from './widget.js';\n",
      'packages/demo/examples/hello.ts': "import { makeWidget } from '@corelane/demo';\nmakeWidget();\n",
      'packages/demo/README.md': '# demo\n',
      'internal/shared/src/errors.ts': "export const ErrorCode = { PLACEMENT: 'ERR_CORELANE_PLACEMENT' } as const;\n",
      'docs/notes.ts': 'export const x = 1;\n',
      ...Object.fromEntries(Object.entries(pages).map(([path, text]) => [`docs/${path}`, text])),
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(repoRoot, path)), { recursive: true });
      writeFileSync(join(repoRoot, path), text);
    }
    return { docsRoot, repoRoot };
  }

  const demoPage = 'makeWidget and Widget\n\n<<< ../../packages/demo/examples/hello.ts [hello.ts]\n';

  it('accepts a clean page: snippets relative or from @/, signatures, shell blocks', () => {
    const options = fixture({
      'packages/demo.md': `${demoPage}\n\`\`\`ts\n/** Like makeWidget() */\nfunction makeWidget(): Widget; // makeWidget()\n\`\`\`\n`,
      'guide/start.md': [
        '<<< @/../packages/demo/examples/hello.ts{2}',
        '```sh\nnpm i @corelane/demo\n```',
        '```text\nmakeWidget() printed this\n```',
      ].join('\n\n'),
    });
    expect(checkDocs(options)).toEqual([]);
  });

  it('reports a snippet whose file is missing', () => {
    const options = fixture({
      'packages/demo.md': demoPage,
      'guide/broken.md': '# Broken\n\n<<< ../../packages/demo/examples/missing.ts\n',
    });
    const problems = checkDocs(options);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^guide[/\\]broken\.md:3: snippet .*missing\.ts points to a missing file/);
  });

  it('reports a snippet that is not a package example, and a missing region', () => {
    const options = fixture({
      'packages/demo.md': demoPage,
      'guide/other.md':
        '<<< ../notes.ts\n\n<<< ../../packages/demo/README.md\n\n<<< @/../packages/demo/examples/hello.ts#setup\n',
    });
    const problems = checkDocs(options);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/other\.md:1: .*not a package example/);
    expect(problems[1]).toMatch(/other\.md:3: .*not a package example/);
    expect(problems[2]).toMatch(/other\.md:5: .*no #region setup/);
  });

  it('reports hand-written code that imports or calls the API', () => {
    const options = fixture({
      'packages/demo.md': demoPage,
      'a.md': "```ts\nimport { makeWidget } from '@corelane/demo';\n```\n",
      'b.md': '```typescript {2}\nconst w = makeWidget ();\n```\n',
      'c.md': '~~~js\nlib.makeWidget(1);\n~~~\n',
    });
    const problems = checkDocs(options);
    expect(problems).toEqual([
      expect.stringMatching(/^a\.md:1: .*```ts block imports @corelane\/demo/),
      expect.stringMatching(/^b\.md:1: .*```typescript block calls makeWidget\(\)/),
      expect.stringMatching(/^c\.md:1: .*```js block calls makeWidget\(\)/),
    ]);
  });

  it('reports an error code that does not exist', () => {
    const options = fixture({
      'packages/demo.md': `${demoPage}\nThrows \`ERR_CORELANE_PLACEMENT\`, never ERR_CORELANE_* others.\n`,
      'errors.md': '| code |\n| --- |\n| `ERR_CORELANE_PLACEMENT` |\n| `ERR_CORELANE_NO_SUCH_CODE` |\n',
    });
    expect(checkDocs(options)).toEqual(['errors.md: ERR_CORELANE_NO_SUCH_CODE is not an error code of corelane']);
  });

  it('ignores snippet syntax inside a fence, and code in other languages', () => {
    const options = fixture({
      'packages/demo.md': demoPage,
      'a.md': '````md\n<<< ./nowhere.ts\n```ts\nmakeWidget();\n```\n````\n\n```sh\nmakeWidget()\n```\n',
    });
    expect(checkDocs(options)).toEqual([]);
  });

  it('reports an example shown nowhere, an undocumented export and a documented function that does not exist', () => {
    const options = fixture({
      'packages/demo.md': '# demo\n\n```ts\nfunction makeWidgets(): void;\n```\n',
    });
    expect(checkDocs(options)).toEqual([
      expect.stringMatching(/demo\.md:3: documents function makeWidgets\(\), which no package exports/),
      'packages/demo/examples/hello.ts is shown on no page (include it with <<<)',
      expect.stringMatching(/export Widget of @corelane\/demo is not documented/),
      expect.stringMatching(/export makeWidget of @corelane\/demo is not documented/),
    ]);
  });
});
