// Lowers its own priority with a nice value and reports what the kernel shows for this thread.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { osThreadId, setThreadPriority } from '@corelane/affinity';

const after = setThreadPriority({ policy: 'other', nice: workerData.nice });
const stat = readFileSync(`/proc/self/task/${osThreadId()}/stat`, 'utf8');
// Field 19 of /proc/<pid>/task/<tid>/stat is the nice value.
const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
parentPort.postMessage({ after, statNice: Number(fields[19 - 3]) });
