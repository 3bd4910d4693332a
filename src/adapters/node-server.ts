/**
 * Serves an engine over HTTP (Node only), through @hono/node-server's request listener.
 *
 * Two measured shortcuts keep the Fetch-API engine near raw node:http speed: the request body is read
 * straight from the socket instead of through a web ReadableStream (the lazy Request hono builds for
 * `text()` cost two thirds of the throughput), and hono's lightweight Response lets a string body skip
 * the stream machinery. The latter replaces the global Response in this process; pass
 * `overrideGlobalObjects: false` when MSW or another interceptor shares the process.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { getRequestListener, type HttpBindings, type Http2Bindings } from '@hono/node-server';
import type { Engine } from '../core/engine.js';

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  host?: string;
  port?: number;
  overrideGlobalObjects?: boolean;
}

function readIncoming(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    incoming.once('error', reject);
  });
}

export async function startServer(engine: Engine, options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const listener = getRequestListener(
    (request: Request, env: HttpBindings | Http2Bindings) => {
      const incoming = env.incoming as IncomingMessage;
      // Only a body with a declared length is read this way; the engine has checked it against the limit.
      if (incoming.headers['content-length'] !== undefined) {
        Object.defineProperty(request, 'text', { value: () => readIncoming(incoming) });
      }
      return engine.fetch(request);
    },
    { overrideGlobalObjects: options.overrideGlobalObjects ?? true },
  );
  const server = createServer(listener);
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
