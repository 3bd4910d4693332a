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
import type { ExchangeTrace } from '../core/trace.js';
import type { StreamObservation } from './observe-stream.js';

/** Finds a key a provider accepts inside the request body (undefined when it takes none there). */
export type CredentialFromBody = (provider: string, bodyText: string) => string | undefined;

/** An entry before it has its id and is sealed, with the secrets its request carried. */
export interface DraftEntry {
  entry: Omit<JournalEntry, 'id'>;
  secrets: string[];
}

/**
 * What an entry is built from, kept until the entry is read: the exchange without its request object
 * (from the Node server it holds the socket and its buffers), flat in one object. The journal keeps a
 * thousand of these alive, and under load every object kept is one more the collector copies: a nested
 * record with closures around it was five objects more per exchange.
 */
export class RecordedExchange {
  readonly method: string;
  readonly headers: Exchange['request']['headers'];
  readonly status: number;
  readonly answerHeaders: Record<string, string>;
  /** The answer's text; null for an empty answer or a stream (the stream is what `seen` holds). */
  readonly answerBody: string | null;
  readonly trace: ExchangeTrace;
  readonly startedAt: number;
  readonly durationMs: number;
  /** What was seen of a streamed answer, once it has ended. */
  seen: StreamObservation | undefined;

  constructor(
    exchange: Exchange,
    readonly path: string,
    private readonly credentialFromBody: CredentialFromBody | undefined,
  ) {
    const { request, reply } = exchange;
    this.method = request.method;
    this.headers = request.headers;
    this.status = reply.status;
    this.answerHeaders = reply.headers;
    // A streamed body is its producer, which holds the whole request context: not kept.
    this.answerBody = typeof reply.body === 'string' ? reply.body : null;
    this.trace = exchange.trace;
    this.startedAt = exchange.startedAt;
    this.durationMs = exchange.durationMs;
    this.seen = undefined;
  }

  /** The entry, not yet sealed, with the secrets its request carried. */
  draft(): DraftEntry {
    const sent = headerRecord(this.headers);
    const { session, provider, operationId, bodyText, ...why } = this.trace;
    const entry: Omit<JournalEntry, 'id'> = {
      ...this.head(),
      request: { headers: hideSecretHeaders(sent) },
      answer: { headers: hideSecretHeaders(this.answerHeaders) },
      why,
    };
    if (provider) entry.provider = provider;
    if (operationId) entry.operationId = operationId;
    if (bodyText) Object.assign(entry.request, cut(bodyText));
    if (this.answerBody !== null) Object.assign(entry.answer, cut(this.answerBody));
    const draft = { entry, secrets: this.secrets(sent) };
    if (this.seen) addStream(draft, this.startedAt, this.seen);
    return draft;
  }

  /** The log-line summary, redacted. */
  summary(id: number, redactorFor: RedactorCache): JournalSummary {
    const { trace, seen } = this;
    const summary: JournalSummary = { id, ...this.head(), why: {} };
    if (trace.provider) summary.provider = trace.provider;
    if (trace.outcome) summary.why.outcome = trace.outcome;
    if (trace.refusal) summary.why.refusal = trace.refusal;
    if (seen) {
      summary.streamMs = seen.endedAt - this.startedAt;
      if (seen.sse || !seen.text) {
        summary.stream = { events: seen.sse?.frameCount() ?? 0, end: seen.end };
        if (seen.error !== undefined) summary.stream.error = seen.error;
      }
    }
    return sealJson(summary, this.secrets(headerRecord(this.headers)), redactorFor).value;
  }

  /** What an entry and its log-line summary both start with. */
  private head() {
    return {
      time: new Date(this.startedAt).toISOString(),
      session: this.trace.session,
      method: this.method,
      path: this.path,
      status: this.status,
      durationMs: this.durationMs,
    };
  }

  /** The secrets the request carried (its credential headers, a key inside its body). */
  private secrets(sent: Record<string, string>): string[] {
    const secrets = secretsInHeaders(sent);
    const { trace, credentialFromBody } = this;
    if (trace.provider && trace.bodyText && credentialFromBody) {
      const key = credentialFromBody(trace.provider, trace.bodyText);
      if (key) secrets.push(key);
    }
    return secrets;
  }
}

/** Adds what was seen of a streamed answer. */
function addStream(draft: DraftEntry, startedAt: number, seen: StreamObservation): void {
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
function headerRecord(headers: RecordedExchange['headers']): Record<string, string> {
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
