// Pins itself to workerData.cpu, waits until every sibling worker is pinned too, then samples
// currentCpu() many times while all of them run, and reports what the kernel says about it.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { currentCpu, osThreadId, pinThread, threadAffinity } from '@corelane/affinity';

const { cpu, samples, barrier } = workerData;
const tid = osThreadId();
const before = threadAffinity();
const pinned = pinThread(cpu);

const ready = new Int32Array(barrier);
Atomics.add(ready, 0, 1);
Atomics.notify(ready, 0);
while (Atomics.load(ready, 0) < ready[1]) Atomics.wait(ready, 0, Atomics.load(ready, 0), 50);

const seen = new Map();
let checksum = 0;
for (let i = 0; i < samples; i++) {
  for (let j = 0; j < 200; j++) checksum = (checksum * 31 + j + i) | 0; // work between samples
  const now = currentCpu();
  seen.set(now, (seen.get(now) ?? 0) + 1);
}

const status = readFileSync(`/proc/self/task/${tid}/status`, 'utf8');
const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
// Fields after the ")" that closes the command name; field 39 ("processor") is the last CPU it ran on.
const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
parentPort.postMessage({
  tid,
  before,
  pinned,
  after: threadAffinity(),
  seen: [...seen.entries()],
  checksum,
  allowedList: /^Cpus_allowed_list:\s*(\S+)$/m.exec(status)?.[1],
  lastCpu: Number(fields[39 - 3]),
});
