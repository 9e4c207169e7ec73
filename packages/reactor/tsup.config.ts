import { libraryConfig } from '../../tsup.base';

// Two public entries: the runtime (`@corelane/reactor`) and the log alone (`@corelane/reactor/wal`).
export default libraryConfig({ index: 'src/index.ts', wal: 'src/wal/index.ts' });
