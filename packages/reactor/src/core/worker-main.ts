// The entry of every core's worker_thread: pin, load the module, attach the mesh, run init,
// then hand over to the loop. Control messages (ready, drained, stop) use the worker's
// MessagePort; data only ever crosses the rings.

import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { pinThread } from '@corelane/affinity';
import { CorelaneError, ErrorCode } from '@corelane/shared';
import { resolveCodec } from '../codec/codec.js';
import { isCoreDefinition } from '../define-core.js';
import { errorData } from '../remote-error.js';
import { openCoreState } from '../state/core-state.js';
import type { BootData, CoreMessage, MainMessage } from './boot-data.js';
import { CoreNode } from './core-node.js';
import { Loop } from './loop.js';
import { openState, provideStateOpener } from './state-seam.js';

provideStateOpener(openCoreState);
const boot = workerData as BootData;
if (parentPort === null) throw new Error('@corelane/reactor: core-worker runs only as a worker_thread');
const port = parentPort;
const post = (message: CoreMessage) => port.postMessage(message);

async function start(): Promise<void> {
  const { plan, core } = boot;
  const cpu = plan.cpus[core] ?? null;
  if (cpu !== null) pinThread(cpu);
  const mod = (await import(plan.moduleUrl)) as { default?: unknown };
  const definition = mod.default;
  if (!isCoreDefinition(definition)) {
    throw new CorelaneError(ErrorCode.BAD_MODULE, `${plan.moduleUrl} has no defineCore() default export`);
  }
  const codec = plan.codec === 'custom' ? resolveCodec(definition.codec) : resolveCodec(plan.codec);
  const node = new CoreNode(boot, definition, codec, cpu);
  // A pending Atomics.waitAsync does not keep the thread alive; this does, until stop.
  const keepAlive = setInterval(() => {}, 2 ** 30);
  if (definition.state !== undefined) {
    if (plan.dataDir === null) {
      throw new CorelaneError(ErrorCode.INVALID_ARGUMENT, 'defineCore({ state }) needs Runtime.start({ dataDir })');
    }
    // Recovered (checkpoint + log) before init runs, so init and every handler see the state.
    node.state = await openState(join(plan.dataDir, `core-${core}`), definition.state, {
      ...plan.durable,
      core,
      ctx: node.ctx,
    });
  }
  await definition.init?.(node.ctx);

  const loop = new Loop(node, plan.idle, plan.policy === 'block');
  let lastReport = 0;
  let unreported = 0;
  node.onHandlerError = (error) => {
    // At most one report per millisecond; the rest are counted (stats().cores[i].handlerErrors).
    unreported++;
    const t = performance.now();
    if (t - lastReport < 1) return;
    lastReport = t;
    post({ type: 'handler-error', error: errorData(error), count: unreported });
    unreported = 0;
  };
  let drainedSent = false;
  loop.afterRun = () => {
    if (node.drainRequested && !drainedSent && node.busyBacklog === 0) {
      drainedSent = true;
      post({ type: 'drained' });
    }
  };
  port.on('message', (message: MainMessage) => {
    if (message.type === 'peer-restarted') node.peerRestarted(message.core);
    else if (message.type === 'stop') {
      loop.stop();
      void (async () => {
        let error: ReturnType<typeof errorData> | undefined;
        try {
          await definition.onStop?.(node.ctx);
        } catch (e) {
          error = errorData(e);
        }
        await node.close();
        clearInterval(keepAlive);
        post({ type: 'stopped', ...(error === undefined ? {} : { error }) });
        port.close();
      })();
    }
  });
  loop.start();
  post({ type: 'ready', cpu });
}

start().catch((error: unknown) => {
  post({ type: 'failed', error: errorData(error) });
  port.close();
});
