import { defineSuite } from '../../harness/suite.js';
import { kvCases } from './cases.js';

/** corelane-kv against redis-server 7.0, with Redis's own redis-benchmark (issue 13). */
export const kvSuite = defineSuite({
  name: 'kv',
  description:
    'corelane-kv --cores 2 against redis-server 7.0 with redis-benchmark (-c 50 -r 100000): SET, GET, INCR, ' +
    'LPUSH, LPOP, SADD, HSET and MSET (10 keys, across both cores) unpipelined and -P 16, without persistence; ' +
    'SET with appendfsync everysec and always, and GET against corelane-kv --cores 1. Each case reports ' +
    "redis-benchmark's p50/p99 and each server's CPU time per request.",
  cases: kvCases(),
});
