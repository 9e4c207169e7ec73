import { createServer, type Server, type Socket } from 'node:net';
import { CorelaneError, CorelaneTypeError, ErrorCode, requireInteger } from '@corelane/shared';
import type { CoreListenOptions } from './context-types.js';

/**
 * Whether `server.listen({ reusePort })` works on Node `version` (`process.versions.node`)
 * and `platform`: Node >= 22.12 (23.1 in the 23 line), on Linux. Older Nodes ignore the option,
 * so the second core's listen would fail with a bare EADDRINUSE.
 */
export function reusePortSupported(version: string, platform: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (platform !== 'linux') return false;
  if (major === 22) return minor >= 12;
  if (major === 23) return minor >= 1;
  return major > 23;
}

/**
 * `ctx.listen()`: a server of this core's thread on a port every core shares. With
 * `reusePort` each core's socket gets its own accept queue and the kernel spreads new
 * connections over them (SO_REUSEPORT; Linux, Node >= 22.12), as Seastar does. A runtime of
 * one core shares the port with nobody, so it listens plainly where `reusePort` is missing.
 * `reusePort` says whether this Node has it (a parameter so tests can answer for other Nodes).
 */
export function listen(
  servers: Set<Server>,
  cores: number,
  portOrOptions: number | CoreListenOptions,
  onConnection: (socket: Socket) => void,
  reusePort = reusePortSupported(process.versions.node, process.platform),
): Promise<Server> {
  const options: CoreListenOptions =
    typeof portOrOptions === 'number' ? { port: portOrOptions } : { ...(portOrOptions as CoreListenOptions) };
  if (typeof portOrOptions !== 'number' && (typeof portOrOptions !== 'object' || portOrOptions === null)) {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'listen() takes a port or { port, host, … }');
  }
  requireInteger('port', options.port, 0, 65535);
  if (typeof onConnection !== 'function') {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'listen(): onConnection must be a function');
  }
  if (!reusePort && cores > 1) {
    throw new CorelaneError(
      ErrorCode.UNSUPPORTED,
      `ctx.listen() shares one port between the ${cores} cores with SO_REUSEPORT, which needs Node >= 22.12 on Linux; this is Node ${process.versions.node} on ${process.platform} (a runtime of one core can listen here)`,
    );
  }
  const server = createServer(onConnection);
  servers.add(server);
  server.once('close', () => servers.delete(server));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ ...options, reusePort } as CoreListenOptions, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
