import { defineSuite } from '../../harness/suite.js';
import { kvCases } from './cases.js';

/** corelane-kv against redis-server 7.0, with Redis's own redis-benchmark (issue 13). */
export const kvSuite = defineSuite({
  name: 'kv',
  description:
    'corelane-kv --cores 2 against redis-server 7.0 with redis-benchmark (-c 50 -r 100000): SET, GET and INCR ' +
    'unpipelined and -P 16, LPUSH, LPOP, SADD, HSET at -P 16, without persistence; SET with appendfsync everysec and always, and GET against ' +
    'corelane-kv --cores 1.',
  cases: kvCases(),
});
