/**
 * A `fetch` drop-in: `new Anthropic({ baseURL: 'http://standin/anthropic', fetch: createFetch(engine) })`.
 * No sockets; requests go straight to the engine.
 */
import type { Engine } from '../core/engine.js';

export function createFetch(engine: Engine): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const response = await engine.fetch(request);
    // A dropped connection (chaos) fails the fetch, as a reset connection does.
    if (response.type === 'error') throw new TypeError('fetch failed', { cause: new Error('standin: connection closed without an answer') });
    return response;
  }) as typeof fetch;
}
