/**
 * MSW 2.x request handlers backed by the engine, for tests that intercept `fetch` in process:
 *
 *   const server = setupServer(...createMswHandlers(engine, 'https://api.anthropic.com'));
 *   server.listen();
 *   drainMockedClones(server);
 *
 * `http.all` (not MSW's `sse()`) because SDKs POST their streams with `Accept: application/json`; the
 * engine decides streaming from the body. The engine must be created with `mount: 'root'` for one
 * provider, or pass `mount: '/<provider>'` here when it serves several.
 */
import { http, type HttpHandler } from 'msw';
import type { Engine } from '../core/engine.js';

export function createMswHandlers(engine: Engine, baseUrl: string, options: { mount?: string } = {}): HttpHandler[] {
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const mount = options.mount ?? '';
  return [
    http.all(`${base.origin}${basePath}/*`, ({ request }) => {
      const url = new URL(request.url);
      const target = new URL(`${mount}${url.pathname.slice(basePath.length)}${url.search}`, 'http://standin');
      return engine.fetch(new Request(target, request));
    }),
  ];
}

/** The part of MSW's SetupServer / SetupWorker this module needs. */
interface MswEvents {
  events: { on(event: 'response:mocked', listener: (args: { response: Response }) => void): void };
}

/**
 * MSW 2.x tees every mocked response to emit it to listeners; while that copy is unread,
 * `response.body.cancel()` on the client's copy never settles (mswjs/interceptors#712, #799). SDKs
 * cancel an error body before they retry, so a mocked 429 would hang the retry forever. Reading the
 * listeners' copy to the end lets cancellation settle.
 */
export function drainMockedClones(server: MswEvents): void {
  server.events.on('response:mocked', ({ response }) => {
    void response.arrayBuffer().catch(() => undefined);
  });
}
