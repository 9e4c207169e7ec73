import { type ResourceLimits, Worker } from 'node:worker_threads';
import { CorelaneError, ErrorCode } from '@corelane/shared';
import type { BootData, CoreMessage, MainMessage } from '../core/boot-data.js';
import { errorFromData } from '../remote-error.js';

/** The worker script every core runs (dist/core-worker.js, beside the bundle that holds this code). */
const CORE_WORKER = new URL('./core-worker.js', import.meta.url);

/** Why a core ended, in words and as the error it died of (if any). */
export interface CoreDeath {
  exitCode: number;
  error: Error | null;
  reason: string;
}

/** A core's control-plane events, as the runtime handles them. */
export interface CoreEvents {
  onDeath(handle: CoreHandle, death: CoreDeath): void;
  onMessage(handle: CoreHandle, message: CoreMessage): void;
}

/**
 * The main thread's handle on one core's worker: starts it, knows when it is ready, and tells
 * the runtime when it dies unexpectedly. A core that dies is replaced by a new handle
 * generation on the same CPU (the runtime decides).
 */
export class CoreHandle {
  readonly core: number;
  readonly cpu: number | null;
  worker: Worker | null = null;
  restarts = 0;
  /** When each restart happened (performance.now()), for the restart window. */
  readonly restartTimes: number[] = [];
  stuck = false;
  lastHeartbeat = -1;
  /** 'starting' until ready; 'running'; 'stopping' once stop began (an exit is then expected). */
  phase: 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped' | 'failed' = 'starting';
  #lastError: Error | null = null;
  #events: CoreEvents;
  readonly #resourceLimits: ResourceLimits | undefined;

  constructor(core: number, cpu: number | null, events: CoreEvents, resourceLimits: ResourceLimits | undefined) {
    this.core = core;
    this.cpu = cpu;
    this.#events = events;
    this.#resourceLimits = resourceLimits;
  }

  /** Starts a worker for this core; resolves once its init ran, rejects when it failed to start. */
  spawn(boot: BootData): Promise<void> {
    this.#lastError = null;
    const worker = new Worker(CORE_WORKER, {
      workerData: boot,
      ...(this.#resourceLimits === undefined ? {} : { resourceLimits: this.#resourceLimits }),
    });
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      worker.on('message', (message: CoreMessage) => {
        if (message.type === 'ready' && !settled) {
          settled = true;
          this.phase = 'running';
          resolve();
        } else if (message.type === 'failed' && !settled) {
          settled = true;
          const cause = errorFromData(message.error, this.core);
          void worker.terminate();
          reject(
            (cause as { code?: string }).code === ErrorCode.BAD_MODULE
              ? cause
              : new CorelaneError(ErrorCode.CORE_FAILED, `core ${this.core} failed to start: ${cause.message}`, {
                  cause,
                }),
          );
        } else this.#events.onMessage(this, message);
      });
      worker.on('error', (error) => {
        this.#lastError = error;
      });
      worker.on('exit', (exitCode) => {
        if (this.worker === worker) this.worker = null;
        const error = this.#lastError;
        if (!settled) {
          settled = true;
          reject(
            new CorelaneError(
              ErrorCode.CORE_FAILED,
              `core ${this.core} ended before it started (exit code ${exitCode}${error ? `: ${error.message}` : ''})`,
              { cause: error ?? undefined },
            ),
          );
          return;
        }
        // 'stopping' too: a core that dies in its onStop must not leave stop() waiting for it.
        if (this.phase !== 'running' && this.phase !== 'stopping') return;
        const reason = error !== null ? `${error.name}: ${error.message}` : `the thread exited with code ${exitCode}`;
        this.#events.onDeath(this, { exitCode, error, reason });
      });
    });
  }

  /** Posts a control message (ignored when the worker is gone). */
  post(message: MainMessage): void {
    this.worker?.postMessage(message);
  }

  /** Ends the worker now. */
  async terminate(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker !== null) await worker.terminate();
  }
}
