import { createServer, type Server, type Socket } from 'node:net';
import { CorelaneTypeError, ErrorCode, requireInteger } from '@corelane/shared';
import type { CoreListenOptions } from './context-types.js';

/**
 * `ctx.listen()`: a server of this core's thread on a port every core shares. With
 * `reusePort` each core's socket gets its own accept queue and the kernel spreads new
 * connections over them (SO_REUSEPORT; Linux, Node >= 22.12), as Seastar does.
 */
export function listen(
  servers: Set<Server>,
  portOrOptions: number | CoreListenOptions,
  onConnection: (socket: Socket) => void,
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
  const server = createServer(onConnection);
  servers.add(server);
  server.once('close', () => servers.delete(server));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ ...options, reusePort: true } as CoreListenOptions, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
