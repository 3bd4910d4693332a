/**
 * What the journal takes of a finished exchange: its record (exchange-record.ts), without the request
 * object (from the Node server it holds the socket and its buffers) or a streamed body's producer (it
 * holds the whole request context). Bodies are cut to the journal's limit here, and the secrets the
 * request carried are found here, once, for both the log line and the entry.
 */
import type { Exchange } from '../core/engine.js';
import { secretsInHeaders } from '../core/secret-headers.js';
import type { ExchangeTrace } from '../core/trace.js';
import { MAX_BODY_CHARS } from './entry.js';
import type { Cut, ExchangeRecord, RecordedStream } from './exchange-record.js';
import type { StreamObservation } from './observe-stream.js';

/** Finds a key a provider accepts inside the request body (undefined when it takes none there). */
export type CredentialFromBody = (provider: string, bodyText: string) => string | undefined;

export function recordExchange(exchange: Exchange, path: string, credentialFromBody: CredentialFromBody | undefined): ExchangeRecord {
  const { request, reply } = exchange;
  const requestHeaders = headerRecord(request.headers);
  const bodyText = exchange.trace.bodyText;
  const trace = withoutBody(exchange.trace);
  const secrets = secretsInHeaders(requestHeaders);
  if (trace.provider && bodyText && credentialFromBody) {
    const key = credentialFromBody(trace.provider, bodyText);
    if (key) secrets.push(key);
  }
  const record: ExchangeRecord = {
    method: request.method,
    path,
    status: reply.status,
    startedAt: exchange.startedAt,
    durationMs: exchange.durationMs,
    requestHeaders,
    answerHeaders: reply.headers,
    trace,
    secrets,
  };
  if (bodyText) record.requestBody = cut(bodyText);
  if (typeof reply.body === 'string') record.answerBody = cut(reply.body);
  return record;
}

/** What was seen of a streamed answer, as the record keeps it. */
export function streamRecord(seen: StreamObservation): RecordedStream {
  const stream: RecordedStream = { text: seen.text, truncated: seen.truncated, end: seen.end, endedAt: seen.endedAt };
  if (seen.sse) {
    const { text, bytes, sse } = seen.sse.kept();
    stream.text = text;
    stream.sse = sse;
    if (bytes) stream.bytes = bytes;
  }
  if (seen.error !== undefined) stream.error = seen.error;
  return stream;
}

/** The trace without its request body, copied key by key: object rest costs ~1 µs here. */
function withoutBody(trace: ExchangeTrace): Omit<ExchangeTrace, 'bodyText'> {
  const out: Partial<ExchangeTrace> = {};
  for (const key in trace) if (key !== 'bodyText') (out as Record<string, unknown>)[key] = trace[key as keyof ExchangeTrace];
  return out as Omit<ExchangeTrace, 'bodyText'>;
}

/** The request's headers as a record; a header object with only `get` (rare) yields none. */
function headerRecord(headers: Exchange['request']['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  const each = (headers as { forEach?: (cb: (value: string, name: string) => void) => void }).forEach;
  if (typeof each === 'function') each.call(headers, (value, name) => (out[name.toLowerCase()] = value));
  return out;
}

function cut(text: string): Cut {
  return text.length > MAX_BODY_CHARS ? { text: text.slice(0, MAX_BODY_CHARS), truncated: true } : { text, truncated: false };
}
