/**
 * Turns a kept exchange into a journal entry with every secret taken out. Credential headers lose
 * their values when the entry is built; then the whole entry, as JSON text, passes once through the one
 * redactor (src/core/redact.ts), which hides what those headers held (and a key sent inside the body,
 * as Runware allows) wherever else it appears — path, bodies, answer headers, events. Its needles
 * include each secret's JSON-escaped form, so a secret inside a JSON string is caught; a secret that
 * JSON would escape (a quote, a backslash, a control character) is redacted field by field. One pass
 * over one text costs a fraction of a pass per field.
 */
import { createRedactor, REDACTED, type Redact } from '../core/redact.js';
import { isSecretHeader } from '../core/secret-headers.js';
import type { JournalEntry, JournalSummary } from './entry.js';
import { unpackRecord, type ExchangeRecord, type RecordedStream } from './exchange-record.js';
import { framesIn, sseEvents } from './observe-stream.js';

const decoder = new TextDecoder();

/**
 * The entry a packed exchange (exchange-record.ts) makes under `id`, every secret hidden: as JSON
 * text (what a shared store keeps) and as the value (what a read in process answers, unparsed).
 */
export function sealPacked(id: number, packed: string, redactorFor: RedactorCache): { text: string; entry: JournalEntry } {
  const record = unpackRecord(packed);
  const { text, value } = sealJson(entryOf(id, record), record.secrets, redactorFor);
  return { text, entry: value };
}

/** The entry, its secrets not yet hidden except in credential headers. */
function entryOf(id: number, record: ExchangeRecord): JournalEntry {
  const { session, provider, operationId, ...why } = record.trace;
  const entry: JournalEntry = {
    id,
    ...headOf(record),
    request: { headers: hideSecretHeaders(record.requestHeaders) },
    answer: { headers: hideSecretHeaders(record.answerHeaders) },
    why,
  };
  if (provider) entry.provider = provider;
  if (operationId) entry.operationId = operationId;
  if (record.requestBody) Object.assign(entry.request, bodyOf(record.requestBody));
  if (record.answerBody) Object.assign(entry.answer, bodyOf(record.answerBody));
  if (record.stream) addStream(entry, record.startedAt, record.stream);
  return entry;
}

/** The log-line summary of an exchange, redacted. */
export function summarize(id: number, record: ExchangeRecord, redactorFor: RedactorCache): JournalSummary {
  const { trace, stream } = record;
  const summary: JournalSummary = { id, ...headOf(record), why: {} };
  if (trace.provider) summary.provider = trace.provider;
  if (trace.outcome) summary.why.outcome = trace.outcome;
  if (trace.refusal) summary.why.refusal = trace.refusal;
  if (stream) {
    summary.streamMs = stream.endedAt - record.startedAt;
    if (stream.sse || !stream.text) {
      // A relayed stream kept as its bytes is decoded here: only a log line asks.
      const text = stream.bytes ? decoder.decode(stream.bytes) : stream.text;
      summary.stream = { events: (stream.sse?.overflow ?? 0) + (stream.sse ? framesIn(text) : 0), end: stream.end };
      if (stream.error !== undefined) summary.stream.error = stream.error;
    }
  }
  return sealJson(summary, record.secrets, redactorFor).value;
}

/** What an entry and its log-line summary both start with. */
function headOf(record: ExchangeRecord) {
  return {
    time: new Date(record.startedAt).toISOString(),
    session: record.trace.session,
    method: record.method,
    path: record.path,
    status: record.status,
    durationMs: record.durationMs,
  };
}

/** Adds what was seen of a streamed answer: SSE as its events, any other stream as its text. */
function addStream(entry: JournalEntry, startedAt: number, stream: RecordedStream): void {
  entry.streamMs = stream.endedAt - startedAt;
  if (!stream.sse && stream.text) {
    Object.assign(entry.answer, bodyOf(stream));
    return;
  }
  const { events, dropped } = stream.sse ? sseEvents(stream.text, stream.sse) : { events: [], dropped: 0 };
  entry.answer.stream = { events, end: stream.end };
  if (dropped) entry.answer.stream.dropped = dropped;
  if (stream.error !== undefined) entry.answer.stream.error = stream.error;
}

function bodyOf(cut: { text: string; truncated: boolean }): { body: string; truncated?: true } {
  return cut.truncated ? { body: cut.text, truncated: true } : { body: cut.text };
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

function hideSecretHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) out[name] = isSecretHeader(name) ? REDACTED : headers[name]!;
  return out;
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
