// pnpm hooks for `pnpm pack` only (scripts/pack.mjs passes this file with --config.pnpmfile; it is
// not the workspace's .pnpmfile.cjs, so installs and the lockfile never see it).
// beforePacking shapes the manifest a user installs: pnpm has already replaced `workspace:*`
// with versions; this removes what only the repository needs.
'use strict';

module.exports = {
  hooks: {
    beforePacking(manifest) {
      // devDependencies name @corelane/shared (private, bundled into dist/ by tsup) and tools.
      delete manifest.devDependencies;
      // build/test/lint scripts run repository tools; a user's install runs only dist/install.cjs
      // (copied there by prepack), which loads a prebuild or builds from source or explains why not.
      const native = manifest.gypfile === true;
      delete manifest.scripts;
      if (native) manifest.scripts = { install: 'node dist/install.cjs' };
      return manifest;
    },
  },
};
