/**
 * Serves an engine over HTTP (Node only), through @hono/node-server's request listener.
 *
 * Measured shortcuts keep the Fetch-API engine near raw node:http speed: the request body is read
 * straight from the socket instead of through a web ReadableStream (the lazy Request hono builds for
 * `text()` cost two thirds of the throughput), headers are read from Node's parsed object, and hono's
 * lightweight Response lets a string body skip the stream machinery. The latter replaces the global Response in this process; pass
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

/**
 * The request headers as Node parsed them, behind the read-only part of the Headers API the engine
 * uses. Building a real Headers object validates every header again (about a microsecond each).
 */
class IncomingHeaders {
  constructor(private readonly raw: IncomingMessage['headers']) {}
  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
  forEach(fn: (value: string, key: string) => void): void {
    for (const key of Object.keys(this.raw)) fn(this.get(key)!, key);
  }
  *entries(): IterableIterator<[string, string]> {
    for (const key of Object.keys(this.raw)) yield [key, this.get(key)!];
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
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
      Object.defineProperty(request, 'headers', { value: new IncomingHeaders(incoming.headers) });
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
