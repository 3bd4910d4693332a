/**
 * The server's one line per exchange, built from its (already redacted) journal summary:
 *   POST /anthropic/v1/messages 200 12ms stream 21 events
 *   POST /anthropic/v1/messages 429 1ms forced Prefer: code=429
 * or, for machines, one JSON object per line.
 */
import { DEFAULT_SESSION } from '../core/state/store.js';
import type { JournalSummary } from './entry.js';

export function logLine(entry: JournalSummary): string {
  const parts = [entry.method, entry.path, String(entry.status), `${entry.streamMs ?? entry.durationMs}ms`];
  const stream = entry.stream;
  if (stream) {
    const count = stream.events;
    parts.push(`stream ${count} event${count === 1 ? '' : 's'}`);
    if (stream.end !== 'complete') parts.push(stream.end === 'cancelled' ? '(client left)' : `(broke off${stream.error ? `: ${stream.error}` : ''})`);
  }
  const { outcome, refusal } = entry.why;
  if (outcome && outcome.source !== 'synthesis') parts.push(outcome.detail ? `${outcome.source} ${outcome.detail}` : outcome.source);
  if (refusal) parts.push(`refused: ${refusal.message}`);
  if (entry.session !== DEFAULT_SESSION) parts.push(`[session ${entry.session}]`);
  return parts.join(' ');
}

export function logJson(entry: JournalSummary): string {
  const stream = entry.stream;
  return JSON.stringify({
    time: entry.time,
    id: entry.id,
    session: entry.session,
    provider: entry.provider,
    method: entry.method,
    path: entry.path,
    status: entry.status,
    durationMs: entry.streamMs ?? entry.durationMs,
    ...(stream ? { stream: { events: stream.events, end: stream.end } } : {}),
    ...(entry.why.outcome ? { outcome: entry.why.outcome } : {}),
    ...(entry.why.refusal ? { refusal: entry.why.refusal } : {}),
  });
}
