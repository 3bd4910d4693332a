/**
 * A `fetch` drop-in: `new Anthropic({ baseURL: 'http://standin/anthropic', fetch: createFetch(engine) })`.
 * No sockets; requests go straight to the engine.
 */
import type { Engine } from '../core/engine.js';

export function createFetch(engine: Engine): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    return engine.fetch(request);
  }) as typeof fetch;
}
