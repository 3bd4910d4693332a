/** Serves an engine over HTTP with @hono/node-server (Node only). */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { Engine } from '../core/engine.js';

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startServer(engine: Engine, options: { host?: string; port?: number } = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  // overrideGlobalObjects: false keeps the global Request/Response intact for MSW in the same process.
  const server = createAdaptorServer({ fetch: engine.fetch, overrideGlobalObjects: false }) as Server;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4010, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
