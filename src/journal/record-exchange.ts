/**
 * Turns a finished exchange into a journal entry with every secret taken out: credential headers lose
 * their values, and what they held (and a key sent inside the body, as Runware allows) is hidden by the
 * one redactor (src/core/redact.ts) wherever else it appears — path, bodies, answer headers, events.
 */
import type { Exchange } from '../core/engine.js';
import { createRedactor, REDACTED, type Redact } from '../core/redact.js';
import { isSecretHeader, secretsInHeaders } from '../core/secret-headers.js';
import { MAX_BODY_CHARS, type JournalEntry } from './entry.js';
import type { StreamObservation } from './observe-stream.js';

/** Finds a key a provider accepts inside the request body (undefined when it takes none there). */
export type CredentialFromBody = (provider: string, bodyText: string) => string | undefined;

/** An entry before it has its id, and the redactor that belongs to its request. */
export interface DraftEntry {
  entry: Omit<JournalEntry, 'id'>;
  redact: Redact;
}

export function draftEntry(exchange: Exchange, path: string, redactorFor: RedactorCache, credentialFromBody?: CredentialFromBody): DraftEntry {
  const { request, reply, trace } = exchange;
  const sent = headerRecord(request.headers);
  const secrets = secretsInHeaders(sent);
  if (trace.provider && trace.bodyText && credentialFromBody) {
    const key = credentialFromBody(trace.provider, trace.bodyText);
    if (key) secrets.push(key);
  }
  const redact = redactorFor(secrets);
  const { session, provider, operationId, bodyText, ...why } = trace;
  const entry: Omit<JournalEntry, 'id'> = {
    time: new Date(exchange.startedAt).toISOString(),
    session,
    method: request.method,
    path: redact(path),
    status: reply.status,
    durationMs: exchange.durationMs,
    request: { headers: redactHeaders(sent, redact) },
    answer: { headers: redactHeaders(reply.headers, redact) },
    why: redactWhy(why, redact),
  };
  if (provider) entry.provider = provider;
  if (operationId) entry.operationId = operationId;
  if (bodyText) Object.assign(entry.request, cut(bodyText, redact));
  if (typeof reply.body === 'string') Object.assign(entry.answer, cut(reply.body, redact));
  return { entry, redact };
}

/** Adds what was seen of a streamed answer. */
export function addStream(draft: DraftEntry, startedAt: number, seen: StreamObservation): void {
  const { entry, redact } = draft;
  entry.streamMs = seen.endedAt - startedAt;
  if (seen.text) Object.assign(entry.answer, cut(seen.text, redact));
  if (seen.truncated) entry.answer.truncated = true;
  const isSse = seen.events.length > 0 || !seen.text;
  if (!isSse) return;
  entry.answer.stream = {
    events: seen.events.map((e) => (e.event ? { offsetMs: e.offsetMs, event: redact(e.event), data: redact(e.data) } : { offsetMs: e.offsetMs, data: redact(e.data) })),
    end: seen.end,
  };
  if (seen.dropped) entry.answer.stream.dropped = seen.dropped;
  if (seen.error !== undefined) entry.answer.stream.error = redact(seen.error);
}

/** The request's headers as a record; a header object with only `get` (rare) yields none. */
function headerRecord(headers: Exchange['request']['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  const each = (headers as { forEach?: (cb: (value: string, name: string) => void) => void }).forEach;
  if (typeof each === 'function') each.call(headers, (value, name) => (out[name.toLowerCase()] = value));
  return out;
}

function redactHeaders(headers: Record<string, string>, redact: Redact): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) out[name] = isSecretHeader(name) ? REDACTED : redact(headers[name]!);
  return out;
}

function redactWhy(why: JournalEntry['why'], redact: Redact): JournalEntry['why'] {
  const out: JournalEntry['why'] = { notes: why.notes.map(redact) };
  if (why.refusal) out.refusal = { ...why.refusal, message: redact(why.refusal.message) };
  if (why.outcome) out.outcome = why.outcome.detail === undefined ? { ...why.outcome } : { ...why.outcome, detail: redact(why.outcome.detail) };
  if (why.prefer) out.prefer = redact(why.prefer);
  for (const key of Object.keys(why) as (keyof typeof why)[]) {
    // Anything a later pipeline step adds to the trace is kept, as redacted JSON text.
    if (!(key in out) && why[key] !== undefined) (out as Record<string, unknown>)[key] = redactJson(why[key], redact);
  }
  return out;
}

function redactJson(value: unknown, redact: Redact): unknown {
  const text = redact(JSON.stringify(value));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // a hidden secret took JSON syntax with it: keep the text
  }
}

function cut(text: string, redact: Redact): { body: string; truncated?: boolean } {
  return text.length > MAX_BODY_CHARS ? { body: redact(text.slice(0, MAX_BODY_CHARS)), truncated: true } : { body: redact(text) };
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
