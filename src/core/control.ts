/**
 * standin's own endpoints under `/_standin/` (and `/health`): health, state reset, the virtual clock.
 * They answer only same-origin requests: a page on another origin (or a DNS-rebound name) must not reset
 * or read a developer's local standin, so no permissive CORS is ever sent.
 */
import { problem } from './errors.js';
import { jsonReply, type EngineRequest, type Reply } from './reply.js';
import { isSessionId } from './session.js';
import type { Clock } from './state/clock.js';
import { sessionPrefix, type StateStore } from './state/store.js';

export const CONTROL_PREFIX = '/_standin/';

export interface ControlContext {
  providers: string[];
  store: StateStore;
  clock: Clock;
  /** Further control routes (the journal, the inspector), tried before answering 404. */
  extra?: ControlRoute[];
}

/** A control route answers a Reply, or undefined when the path is not its own. */
export type ControlRoute = (request: EngineRequest, path: string, query: URLSearchParams) => Reply | undefined | Promise<Reply | undefined>;

export function isControlPath(path: string): boolean {
  return path === '/health' || path.startsWith(CONTROL_PREFIX) || path === '/_standin';
}

export async function handleControl(ctx: ControlContext, request: EngineRequest, path: string, query: URLSearchParams): Promise<Reply> {
  if (path === '/health' || path === '/_standin/health') {
    return jsonReply(200, { status: 'ok', providers: ctx.providers });
  }
  if (!isSameOrigin(request)) return problem(403, 'standin control endpoints answer same-origin requests only');
  if (path === '/_standin/reset') {
    if (request.method !== 'POST') return problem(405, 'POST /_standin/reset');
    const body = await readJsonBody(request);
    if (body === undefined) return problem(400, 'the body must be JSON: {} or {"session": "<id>"}');
    const session = (body as { session?: unknown }).session;
    if (session !== undefined && !isSessionId(session)) return problem(400, 'session must be a printable string of 1 to 128 characters');
    await ctx.store.clear(session === undefined ? '' : sessionPrefix(session));
    return jsonReply(200, { reset: session ?? 'all' });
  }
  if (path === '/_standin/clock') {
    if (request.method === 'GET') return jsonReply(200, { now: await ctx.clock.now() });
    if (request.method !== 'POST') return problem(405, 'GET or POST /_standin/clock');
    const body = await readJsonBody(request);
    const advanceMs = (body as { advanceMs?: unknown } | undefined)?.advanceMs;
    if (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs) || advanceMs < 0) {
      return problem(400, 'the body must be {"advanceMs": <non-negative number>}');
    }
    return jsonReply(200, { now: await ctx.clock.advance(advanceMs) });
  }
  for (const route of ctx.extra ?? []) {
    const reply = await route(request, path, query);
    if (reply) return reply;
  }
  return problem(404, `No standin control endpoint at ${path}`);
}

/**
 * A browser names the page's origin in `Origin` (and `Sec-Fetch-Site`); a request from another origin is
 * refused. Clients that are not browsers send neither and are served.
 */
export function isSameOrigin(request: EngineRequest): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.get('origin');
  if (origin === null) return true;
  const host = request.headers.get('host');
  try {
    const named = new URL(origin).host;
    return host !== null ? named === host : named === new URL(request.url).host;
  } catch {
    return false;
  }
}

async function readJsonBody(request: EngineRequest): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '') return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
