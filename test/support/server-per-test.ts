/**
 * A server a test starts itself (its own options, or an engine of its own), and the raw sockets the test
 * opens to it: after each test every socket is destroyed and the server, if still running, closed, so
 * no test leaves a listener or a connection behind for the next.
 */
import { connect, type Socket } from 'node:net';
import { afterEach } from 'vitest';
import { startServer, type RunningServer, type ServerOptions } from '../../src/adapters/node-server.js';

export interface ServerPerTest {
  /** Starts a server on a free port; the one of this test, closed after it. */
  start(engine: Parameters<typeof startServer>[0], options?: ServerOptions): Promise<RunningServer>;
  /** Closes this test's server now (a test that times the close, or starts another). */
  close(): Promise<void>;
  /** A raw TCP connection to `url`'s host and port; its errors show as its closing. */
  connect(url: string): Socket;
}

export function useServerPerTest(): ServerPerTest {
  let running: RunningServer | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await running?.close();
    running = undefined;
  });
  return {
    async start(engine, options = {}) {
      running = await startServer(engine, { port: 0, ...options });
      return running;
    },
    async close() {
      const closing = running;
      running = undefined;
      await closing?.close();
    },
    connect(url) {
      const { hostname, port } = new URL(url);
      const socket = connect(Number(port), hostname);
      sockets.push(socket);
      socket.on('error', () => undefined);
      return socket;
    },
  };
}
