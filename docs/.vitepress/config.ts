import { defineConfig } from 'vitepress';

// The site must build offline and load nothing from other hosts: no web fonts from a CDN (the
// default theme ships its fonts), no hosted search (local search only), no analytics, nothing
// external in `head`. Dead links fail the build: never set `ignoreDeadLinks`.
export default defineConfig({
  lang: 'en-US',
  title: 'corelane',
  description:
    'A thread-per-core runtime for Node.js: one pinned worker per core, shared-nothing state, SPSC rings in shared memory, key-partitioned routing and io_uring.',
  cleanUrls: true,
  lastUpdated: false,
  // Only the pages of this site: never READMEs or notes that sit in these folders.
  srcExclude: ['**/README.md', '**/CHANGELOG.md', 'test/**', 'node_modules/**'],
  head: [],
  markdown: {
    lineNumbers: false,
  },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/introduction', activeMatch: '^/guide/' },
      { text: 'Packages', link: '/packages/affinity', activeMatch: '^/packages/' },
      { text: 'Contributing', link: '/contributing' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Introduction', link: '/guide/introduction' },
          { text: 'Getting started', link: '/guide/getting-started' },
          { text: 'Architecture', link: '/guide/architecture' },
          { text: 'corelane-kv', link: '/guide/kv' },
        ],
      },
      {
        text: 'Packages',
        items: [
          { text: '@corelane/affinity', link: '/packages/affinity' },
          { text: '@corelane/spsc', link: '/packages/spsc' },
          { text: '@corelane/router', link: '/packages/router' },
          { text: '@corelane/lockfree', link: '/packages/lockfree' },
          { text: '@corelane/uring', link: '/packages/uring' },
          { text: '@corelane/reactor', link: '/packages/reactor' },
          { text: '@corelane/reactor/wal', link: '/packages/reactor-wal' },
        ],
      },
      {
        text: 'Project',
        items: [{ text: 'Contributing', link: '/contributing' }],
      },
    ],
    outline: { level: [2, 3] },
    search: { provider: 'local' },
    footer: {
      message: 'Released under the MIT License.',
    },
  },
});
