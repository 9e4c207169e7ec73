// Child process of the uring suite (see suites/uring/child.ts): runs one fs.promises sample
// under whatever UV_USE_IO_URING its parent set, and prints the value.
import type { ChildRequest } from '../suites/uring/child.js';
import { fsRandomReads, fsSyncedWrites } from '../suites/uring/fs-promises.js';

const request = JSON.parse(process.argv[2] ?? '{}') as ChildRequest;
const value =
  request.kind === 'randread'
    ? await fsRandomReads(request.path, request.medium, request.depth, request.ms)
    : await fsSyncedWrites(request.path, request.syncEvery, request.ms);
console.log(String(value));
