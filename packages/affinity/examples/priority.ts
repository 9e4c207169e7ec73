// Lower a background worker's priority, and see how a refused request reads.
// Run: node examples/priority.ts
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { capabilities, setThreadPriority, threadPriority } from '@corelane/affinity';

if (isMainThread) {
  const worker = new Worker(new URL(import.meta.url));
  worker.on('message', (line: string) => console.log(line));
  await new Promise((resolve) => worker.once('exit', resolve));
  // Real-time policies are opt-in only: check first, never spin at real-time priority.
  console.log('real-time priority here:', capabilities().realtimePriority.reason);
} else {
  setThreadPriority({ policy: 'other', nice: 10 }); // this worker only; the main thread keeps nice 0
  parentPort?.postMessage(`worker now runs at nice ${threadPriority().nice}`);
  try {
    setThreadPriority({ policy: 'other', nice: -20 }); // raising needs CAP_SYS_NICE
    parentPort?.postMessage('allowed to raise the priority (CAP_SYS_NICE)');
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_CORELANE_PERMISSION') throw error;
    parentPort?.postMessage('raising the priority was refused: ERR_CORELANE_PERMISSION');
  }
}
