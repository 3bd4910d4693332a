/**
 * What the journal keeps of one exchange: enough to answer "what did my code send, what did standin
 * answer, and why", and never a key (every text passes the redactor before it is stored).
 */
import type { ExchangeTrace } from '../core/trace.js';

/**
 * The journal is a ring: past this many exchanges, the oldest is dropped (and, in process, past
 * MAX_KEPT_BYTES of packed exchanges, src/journal/packed-ring.ts).
 */
export const JOURNAL_CAPACITY = 1_000;
/** A request or answer body longer than this is kept cut, marked `truncated`. */
export const MAX_BODY_CHARS = 64 * 1024;
/** Events of one stream kept at most; further ones are only counted (`dropped`). */
export const MAX_EVENTS = 2_000;

/** One server-sent event as it left standin, `offsetMs` after the request arrived. */
export interface JournalEvent {
  offsetMs: number;
  event?: string;
  data: string;
}

export interface JournalStream {
  events: JournalEvent[];
  /** Events past `MAX_EVENTS`, counted but not kept. */
  dropped?: number;
  /** `complete`: the stream ended; `cancelled`: the client went away; `error`: it broke off. */
  end: 'complete' | 'cancelled' | 'error';
  error?: string;
}

export interface JournalEntry {
  /** Increasing number, unique within a store (survives processes sharing a store). */
  id: number;
  /** When the request arrived (ISO 8601, wall time). */
  time: string;
  session: string;
  provider?: string;
  operationId?: string;
  method: string;
  /** Path and query as sent. */
  path: string;
  status: number;
  /** Time until the answer's head was ready. */
  durationMs: number;
  /** For a streamed answer: time until its last byte was handed out (or it broke off). */
  streamMs?: number;
  request: { headers: Record<string, string>; body?: string; truncated?: boolean };
  answer: { headers: Record<string, string>; body?: string; truncated?: boolean; stream?: JournalStream };
  /** Why it ended as it did: the refusal behind an error, the source that answered, Prefer, notes. */
  why: Omit<ExchangeTrace, 'bodyText' | 'session' | 'provider' | 'operationId'>;
}

/**
 * What the server's log line shows of an exchange (a part of its entry, redacted the same way): made
 * without building and sealing the whole entry, which a journal in process defers until it is read.
 */
export interface JournalSummary extends Pick<JournalEntry, 'id' | 'time' | 'session' | 'provider' | 'method' | 'path' | 'status' | 'durationMs' | 'streamMs'> {
  /** For a streamed answer: how many events went out, and how it ended. */
  stream?: { events: number; end: JournalStream['end']; error?: string };
  why: Pick<JournalEntry['why'], 'outcome' | 'refusal'>;
}
