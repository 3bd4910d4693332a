/**
 * The three ways a test reaches an engine: the Node server on a free port, MSW intercepting the global
 * `fetch`, and the `fetch` drop-in. Each gives a `fetch` that takes a standin path (`/anthropic/v1/...`,
 * `/_standin/clock`), so one scenario runs through all three.
 */
import { setupServer } from 'msw/node';
import { createFetch } from '../../src/adapters/fetch.js';
import { createMswHandlers, drainMockedClones } from '../../src/adapters/msw.js';
import { startServer } from '../../src/adapters/node-server.js';
import type { Engine } from '../../src/standin.js';

export interface Transport {
  /** Sends to a path on the engine (`/<provider>/...` or `/_standin/...`). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** The base URL an SDK would use for a provider, and the fetch it should use. */
  baseURL(provider: string): string;
  sdkFetch: typeof fetch;
  close(): Promise<void>;
}

export type TransportName = 'node server' | 'msw' | 'fetch drop-in';
export const TRANSPORTS: TransportName[] = ['node server', 'msw', 'fetch drop-in'];

export async function connect(name: TransportName, engine: Engine): Promise<Transport> {
  if (name === 'node server') {
    const running = await startServer(engine, { port: 0 });
    return {
      fetch: (path, init) => fetch(`${running.url}${path}`, init),
      baseURL: (provider) => `${running.url}/${provider}`,
      sdkFetch: fetch,
      close: () => running.close(),
    };
  }
  if (name === 'msw') {
    const origin = 'http://standin.msw.test';
    const server = setupServer(...createMswHandlers(engine, origin));
    server.listen({ onUnhandledRequest: 'error' });
    drainMockedClones(server);
    return {
      fetch: (path, init) => fetch(`${origin}${path}`, init),
      baseURL: (provider) => `${origin}/${provider}`,
      sdkFetch: (...args: Parameters<typeof fetch>) => fetch(...args),
      close: async () => server.close(),
    };
  }
  const dropIn = createFetch(engine);
  const origin = 'http://standin.invalid';
  return {
    fetch: (path, init) => dropIn(`${origin}${path}`, init),
    baseURL: (provider) => `${origin}/${provider}`,
    sdkFetch: dropIn,
    close: async () => {},
  };
}
