/**
 * One exchange as the journal keeps it until it is read: a flat record, packed into one text (a line
 * of JSON for the small parts, then the headers and the large texts as they are; see `PackedHead`).
 * Packing costs ~2 µs; it is paid so that a kept exchange is bytes outside the JavaScript heap
 * (packed-ring.ts) rather than the two dozen objects of the live exchange, which the collector copied
 * and marked for as long as the ring kept them.
 *
 * The text holds the request's secrets (they are hidden when the entry is sealed, seal-entry.ts): it
 * never leaves the process, and nothing serialises it.
 */
import type { ExchangeTrace } from '../core/trace.js';
import type { JournalStream } from './entry.js';
import { charEnds, type SseWrites } from './observe-stream.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The exchange, as an entry is built from it. */
export interface ExchangeRecord {
  method: string;
  /** Path and query as sent. */
  path: string;
  status: number;
  startedAt: number;
  durationMs: number;
  /** The request's headers, names in lower case (credentials still in them: hidden when sealed). */
  requestHeaders: Record<string, string>;
  answerHeaders: Record<string, string>;
  /** The trace without the request body (that is `requestBody`). */
  trace: Omit<ExchangeTrace, 'bodyText'>;
  /** The secrets the request carried: credential header values, a key inside the body. */
  secrets: string[];
  requestBody?: Cut;
  /** A whole answer's text (absent for an empty answer or a stream). */
  answerBody?: Cut;
  stream?: RecordedStream;
}

/** A text, cut to the journal's limit where it was longer. */
export interface Cut {
  text: string;
  truncated: boolean;
}

/** What was seen of a streamed answer. */
export interface RecordedStream extends Cut {
  end: JournalStream['end'];
  error?: string;
  /** Wall time the stream ended. */
  endedAt: number;
  /** Server-sent events, with where each write ended in `text` and when it left; else plain text. */
  sse?: SseWrites;
  /**
   * A relayed stream's UTF-8, kept as it arrived (`text` is then empty, and `sse.ends` count bytes):
   * decoding it at the end and encoding it again into the ring cost more than replaying it.
   */
  bytes?: Uint8Array;
}

/**
 * The JSON line, an array for speed (object rest and spread cost more than the rest of packing):
 * [method, path, status, startedAt, durationMs, trace, secrets, text lengths (-1: absent; -2: the
 * stream is the `tail` of bytes after the text), which texts were cut, the stream without its text].
 * The texts after it are, in order: request headers, answer headers (each `name\0value\0…`, or JSON
 * where a name or value holds a NUL, which HTTP forbids), request body, answer body, stream text.
 * Stringifying a header record cost ~2 µs; joining it ~0.3.
 */
type PackedHead = [
  method: string,
  path: string,
  status: number,
  startedAt: number,
  durationMs: number,
  trace: ExchangeRecord['trace'],
  secrets: string[],
  lengths: number[],
  truncated: boolean[],
  stream: Omit<RecordedStream, 'text' | 'truncated' | 'bytes'> | null,
];

/** A packed exchange: its text, and a relayed stream's bytes that follow it. */
export interface Packed {
  text: string;
  tail?: Uint8Array;
}

/** Stream text length meaning "the bytes after the text" (`Packed.tail`). */
const IN_TAIL = -2;

export function packRecord(record: ExchangeRecord): Packed {
  const { requestBody, answerBody, stream } = record;
  const tail = stream?.bytes;
  const texts = [headersText(record.requestHeaders), headersText(record.answerHeaders), requestBody?.text, answerBody?.text, tail ? undefined : stream?.text];
  const lengths = texts.map((text) => (text === undefined ? -1 : text.length));
  if (tail) lengths[4] = IN_TAIL;
  const head: PackedHead = [
    record.method,
    record.path,
    record.status,
    record.startedAt,
    record.durationMs,
    record.trace,
    record.secrets,
    lengths,
    [requestBody?.truncated ?? false, answerBody?.truncated ?? false, stream?.truncated ?? false],
    stream ? streamHead(stream) : null,
  ];
  // JSON escapes every line break, so the first one ends the head.
  let text = `${JSON.stringify(head)}\n`;
  for (const part of texts) if (part !== undefined) text += part;
  return tail ? { text, tail } : { text };
}

/** The whole packed text, a tail decoded onto it. */
export function packedText(packed: Packed): string {
  return packed.tail ? packed.text + decoder.decode(packed.tail) : packed.text;
}

/** The stream without its text, built field by field (a spread costs ~1 µs here). */
function streamHead(stream: RecordedStream): PackedHead[9] {
  const head: NonNullable<PackedHead[9]> = { end: stream.end, endedAt: stream.endedAt };
  if (stream.error !== undefined) head.error = stream.error;
  if (stream.sse) head.sse = stream.sse;
  return head;
}

/** The record back from its whole packed text (`packedText`). */
export function unpackRecord(packed: string): ExchangeRecord {
  const headEnd = packed.indexOf('\n');
  const [method, path, status, startedAt, durationMs, trace, secrets, lengths, truncated, stream] = JSON.parse(packed.slice(0, headEnd)) as PackedHead;
  let at = headEnd + 1;
  const texts = lengths.map((length) => (length === IN_TAIL ? packed.slice(at) : length < 0 ? undefined : packed.slice(at, (at += length))));
  if (stream?.sse?.inBytes) {
    stream.sse = { ends: charEnds(encoder.encode(texts[4]), stream.sse.ends), offsets: stream.sse.offsets, overflow: stream.sse.overflow };
  }
  const record: ExchangeRecord = {
    method,
    path,
    status,
    startedAt,
    durationMs,
    requestHeaders: headersOf(texts[0]!),
    answerHeaders: headersOf(texts[1]!),
    trace,
    secrets,
  };
  if (texts[2] !== undefined) record.requestBody = { text: texts[2], truncated: truncated[0]! };
  if (texts[3] !== undefined) record.answerBody = { text: texts[3], truncated: truncated[1]! };
  if (stream && texts[4] !== undefined) record.stream = Object.assign(stream, { text: texts[4], truncated: truncated[2]! });
  return record;
}

/** `name\0value\0…`, or `{…}` (JSON) where a name or value holds a NUL. Exported for the bench's lean yardstick. */
export function headersText(headers: Record<string, string>): string {
  let text = '';
  for (const name in headers) {
    const value = headers[name]!;
    if (name.includes('\0') || value.includes('\0')) return JSON.stringify(headers);
    text += `${name}\0${value}\0`;
  }
  return text;
}

function headersOf(text: string): Record<string, string> {
  if (text.startsWith('{')) return JSON.parse(text) as Record<string, string>;
  const out: Record<string, string> = {};
  const parts = text.split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) out[parts[i]!] = parts[i + 1]!;
  return out;
}
