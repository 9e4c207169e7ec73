import { libraryConfig } from '../../tsup.base';

// Two public entries: the runtime (`@corelane/reactor`) and the log alone (`@corelane/reactor/wal`),
// plus the script every core's worker_thread runs (dist/core-worker.js, found beside the bundle).
export default libraryConfig({
  index: 'src/index.ts',
  wal: 'src/wal/index.ts',
  'core-worker': 'src/core/worker-main.ts',
});
