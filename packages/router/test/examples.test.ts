// The examples are what the README and the docs show: run each one for real, so none can rot.
// The expected hashes were printed by the Rust crate fxhash 0.2.1 for the same keys.
import { describeExamples } from '@corelane/shared/testing';

const expected: Record<string, RegExp> = {
  'quick-start.ts':
    /fxhash64\("user-42"\) = 4904424645957250572\npartition: core 0 of 4\njump hash: core [0-3]\nrendezvous: core-[a-d]\n/,
  'rust-interop.ts':
    /str {3}6648116617039906035\nbytes 13625658541629653595 .*\nu64 {3}7586556743040283621 = 7586556743040283621 .*\n-1 {4}12574963067145549163 .*\nhash32\("sensor-17"\) = 2041338869\npartition\("sensor-17", 12\) = 3\n/,
  'resize.ts':
    /partition \(modulo\): 8\d\.\d% moved\njumpPartition: {6}1[01]\.\d% moved\nrendezvous: {9}1[01]\.\d% moved\n/,
  'routing.ts':
    /core 0: 2100 events of 7 users\ncore 1: 4200 events of 14 users\ncore 2: 2700 events of 9 users\nrouted: 2100 \+ 4200 \+ 2700 = 9000\n/,
  'route-async.ts':
    /core 0: 2850 readings of 19 sensors\ncore 1: 3150 readings of 21 sensors\nwaited for room yes; the event loop ran meanwhile\nsensor-7 lives on core 1 = 1\n/,
  'read-in-place.ts':
    /core 0: 5200 records, amounts 77989800, in order true\ncore 1: 4800 records, amounts 71995200, in order true\n/,
  'target-cache.ts': /^remembered 100 keys; 10000 of 10000 owners equal partition\(\)\n$/,
  'hash-batch.ts':
    /native batch hashing: yes\nhashed 10000 keys; first: (\d+) = \1\nkeys per core: \d+, \d+, \d+, \d+\nmixed: \d+, \d+, \d+\n/,
};

describeExamples(new URL('../', import.meta.url), expected);
