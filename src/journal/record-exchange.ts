/**
 * Turns a finished exchange into a journal entry with every secret taken out. Credential headers lose
 * their values when the entry is built; then the whole entry, as the JSON text the store keeps, passes
 * once through the one redactor (src/core/redact.ts), which hides what those headers held (and a key sent
 * inside the body, as Runware allows) wherever else it appears — path, bodies, answer headers, events.
 * Its needles include each secret's JSON-escaped form, so a secret inside a JSON string is caught; a
 * secret that JSON would escape (a quote, a backslash, a control character) is redacted field by field.
 * One pass over one text costs a fraction of a pass per field, and the store keeps one string per entry.
 */
import type { Exchange } from '../core/engine.js';
import { createRedactor, REDACTED, type Redact } from '../core/redact.js';
import { isSecretHeader, secretsInHeaders } from '../core/secret-headers.js';
import { MAX_BODY_CHARS, type JournalEntry, type JournalSummary } from './entry.js';
import type { StreamObservation } from './observe-stream.js';

/** Finds a key a provider accepts inside the request body (undefined when it takes none there). */
export type CredentialFromBody = (provider: string, bodyText: string) => string | undefined;

/** An entry before it has its id and is sealed, with the secrets its request carried. */
export interface DraftEntry {
  entry: Omit<JournalEntry, 'id'>;
  secrets: string[];
}

/**
 * What an entry is built from: the exchange without its request object, which (from the Node server)
 * holds the socket and its buffers, too much to keep alive until an entry is read.
 */
export interface RecordedExchange extends Omit<Exchange, 'request'> {
  request: Pick<Exchange['request'], 'method' | 'headers'>;
}

/** The part of an exchange kept for its entry. */
export function keptOf(exchange: Exchange): RecordedExchange {
  const { request, reply, trace, startedAt, durationMs } = exchange;
  // A streamed body is its producer, which holds the whole request context: the entry gets the stream
  // from what was observed of it instead.
  const kept = typeof reply.body === 'string' || reply.body === null ? reply : { status: reply.status, headers: reply.headers, body: null };
  return { request: { method: request.method, headers: request.headers }, reply: kept, trace, startedAt, durationMs };
}

export function draftEntry(exchange: RecordedExchange, path: string, credentialFromBody?: CredentialFromBody): DraftEntry {
  const { request, reply, trace } = exchange;
  const sent = headerRecord(request.headers);
  const secrets = secretsOf(exchange, sent, credentialFromBody);
  const { session, provider, operationId, bodyText, ...why } = trace;
  const entry: Omit<JournalEntry, 'id'> = {
    ...headOf(exchange, path),
    request: { headers: hideSecretHeaders(sent) },
    answer: { headers: hideSecretHeaders(reply.headers) },
    why,
  };
  if (provider) entry.provider = provider;
  if (operationId) entry.operationId = operationId;
  if (bodyText) Object.assign(entry.request, cut(bodyText));
  if (typeof reply.body === 'string') Object.assign(entry.answer, cut(reply.body));
  return { entry, secrets };
}

/** What an entry and its log-line summary both start with. */
function headOf(exchange: RecordedExchange, path: string) {
  return {
    time: new Date(exchange.startedAt).toISOString(),
    session: exchange.trace.session,
    method: exchange.request.method,
    path,
    status: exchange.reply.status,
    durationMs: exchange.durationMs,
  };
}

/** The secrets an exchange's request carried (its credential headers, a key inside its body). */
function secretsOf(exchange: RecordedExchange, sent: Record<string, string>, credentialFromBody?: CredentialFromBody): string[] {
  const secrets = secretsInHeaders(sent);
  const { trace } = exchange;
  if (trace.provider && trace.bodyText && credentialFromBody) {
    const key = credentialFromBody(trace.provider, trace.bodyText);
    if (key) secrets.push(key);
  }
  return secrets;
}

/** An exchange's log-line summary, redacted, from the exchange (and what was seen of its stream). */
export function summarise(
  id: number,
  exchange: RecordedExchange,
  path: string,
  redactorFor: RedactorCache,
  credentialFromBody?: CredentialFromBody,
  seen?: StreamObservation,
): JournalSummary {
  const { request, trace } = exchange;
  const summary: JournalSummary = { id, ...headOf(exchange, path), why: {} };
  if (trace.provider) summary.provider = trace.provider;
  if (trace.outcome) summary.why.outcome = trace.outcome;
  if (trace.refusal) summary.why.refusal = trace.refusal;
  if (seen) {
    summary.streamMs = seen.endedAt - exchange.startedAt;
    if (seen.sse || !seen.text) {
      summary.stream = { events: seen.sse?.frameCount() ?? 0, end: seen.end };
      if (seen.error !== undefined) summary.stream.error = seen.error;
    }
  }
  return sealJson(summary, secretsOf(exchange, headerRecord(request.headers), credentialFromBody), redactorFor).value;
}

/** Adds what was seen of a streamed answer. */
export function addStream(draft: DraftEntry, startedAt: number, seen: StreamObservation): void {
  const { entry } = draft;
  entry.streamMs = seen.endedAt - startedAt;
  if (seen.text) Object.assign(entry.answer, cut(seen.text));
  if (seen.truncated) entry.answer.truncated = true;
  if (!seen.sse && seen.text) return; // a stream, but not SSE: kept as its text
  const { events, dropped } = seen.sse ? seen.sse.events() : { events: [], dropped: 0 };
  entry.answer.stream = { events, end: seen.end };
  if (dropped) entry.answer.stream.dropped = dropped;
  if (seen.error !== undefined) entry.answer.stream.error = seen.error;
}

/** The entry with every secret hidden, and its JSON text: what the store keeps. */
export function sealEntry(entry: JournalEntry, secrets: string[], redactorFor: RedactorCache): { text: string; entry: JournalEntry } {
  const { text, value } = sealJson(entry, secrets, redactorFor);
  return { text, entry: value };
}

/** A JSON value with every secret hidden, and its text: one pass of the redactor over the text. */
function sealJson<T>(value: T, secrets: string[], redactorFor: RedactorCache): { text: string; value: T } {
  const redact = redactorFor(secrets);
  const fieldByField = (): { text: string; value: T } => {
    const safe = redactStrings(value, redact) as T;
    return { text: JSON.stringify(safe), value: safe };
  };
  if (secrets.some((s) => JSON.stringify(s).length !== s.length + 2)) return fieldByField();
  const text = JSON.stringify(value);
  const safe = redact(text);
  if (safe === text) return { text, value };
  try {
    return { text: safe, value: JSON.parse(safe) as T };
  } catch {
    return fieldByField(); // a hidden secret took JSON syntax with it
  }
}

/** Every string in a JSON value (keys too) passed through `redact`. */
function redactStrings(value: unknown, redact: Redact): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactStrings(item, redact));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[redact(key)] = redactStrings(item, redact);
  return out;
}

/** The request's headers as a record; a header object with only `get` (rare) yields none. */
function headerRecord(headers: RecordedExchange['request']['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  const each = (headers as { forEach?: (cb: (value: string, name: string) => void) => void }).forEach;
  if (typeof each === 'function') each.call(headers, (value, name) => (out[name.toLowerCase()] = value));
  return out;
}

function hideSecretHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) out[name] = isSecretHeader(name) ? REDACTED : headers[name]!;
  return out;
}

function cut(text: string): { body: string; truncated?: boolean } {
  return text.length > MAX_BODY_CHARS ? { body: text.slice(0, MAX_BODY_CHARS), truncated: true } : { body: text };
}

/** Redactors by the secrets they hide (see `createRedactorCache`). */
export type RedactorCache = (secrets: string[]) => Redact;

/**
 * Building a redactor derives every encoded form of each secret, which costs more than a small
 * request, and the same client sends the same key again and again: redactors are kept by the secrets
 * they hide, at most `max` of them (in this process's memory only, never stored).
 */
export function createRedactorCache(max = 64): RedactorCache {
  const redactors = new Map<string, Redact>();
  return (secrets) => {
    const id = secrets.join('\u0000');
    let redact = redactors.get(id);
    if (!redact) {
      if (redactors.size >= max) redactors.clear();
      redact = createRedactor(secrets);
      redactors.set(id, redact);
    }
    return redact;
  };
}
