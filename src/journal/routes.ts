/**
 * `GET /_standin/journal` (JSON, newest last; `?session=`, `?provider=`, `?status=429|4xx`, `?after=<id>`)
 * and `DELETE /_standin/journal`. Served through `controlRoutes`, so only same-origin requests reach them.
 */
import type { ControlRoute } from '../core/control.js';
import { problem } from '../core/errors.js';
import { jsonReply } from '../core/reply.js';
import { isSessionId } from '../core/session.js';
import type { Journal, JournalFilter } from './journal.js';

export const JOURNAL_PATH = '/_standin/journal';

export function journalRoute(journal: Journal): ControlRoute {
  return async (request, path, query) => {
    if (path !== JOURNAL_PATH) return undefined;
    if (request.method === 'DELETE') {
      await journal.clear();
      return jsonReply(200, { cleared: true });
    }
    if (request.method !== 'GET') return problem(405, 'GET or DELETE /_standin/journal');
    const filter = filterOf(query);
    if (typeof filter === 'string') return problem(400, filter);
    const [entries, lastId, clearedAfter] = await Promise.all([journal.list(filter), journal.lastId(), journal.clearedAfter()]);
    return jsonReply(200, { capacity: journal.capacity, lastId, clearedAfter, entries }, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  };
}

/** The filter a query names, or what is wrong with it. */
function filterOf(query: URLSearchParams): JournalFilter | string {
  const filter: JournalFilter = {};
  const session = query.get('session');
  if (session !== null) {
    if (!isSessionId(session)) return 'session must be a printable string of 1 to 128 characters';
    filter.session = session;
  }
  const provider = query.get('provider');
  if (provider !== null) filter.provider = provider;
  const status = query.get('status');
  if (status !== null) {
    if (!/^([1-5]\d\d|[1-5]xx)$/i.test(status)) return `status must be a status code (429) or a class (4xx), got '${status}'`;
    filter.status = status;
  }
  const after = query.get('after');
  if (after !== null) {
    if (!/^\d{1,15}$/.test(after)) return `after must be a whole number (an entry id), got '${after}'`;
    filter.after = Number(after);
  }
  return filter;
}
