/**
 * Watches a streamed answer on its way out: every chunk is passed on unchanged, and once the stream
 * ends (or the client leaves, or it breaks off) the observation is handed over. SSE is kept as the
 * bytes that went out, in one growing buffer per stream with where each write ended and when it left
 * (`SseCapture`), and parsed into events only when the entry is sealed: the journal keeps up to a
 * thousand streams alive until they are read, and an object or string per event (or per write, when a
 * paced stream writes each frame alone) cost the garbage collector more than making the events did; a
 * buffer's contents live outside the collected heap. A streamed answer made by standin (an `SseBody`) is
 * watched through `sseObserver`; a byte stream (a relayed or replayed recording) through `observeStream`.
 */
import { createParser } from 'eventsource-parser';
import type { SseObserver } from '../sse/body.js';
import { MAX_BODY_CHARS, MAX_EVENTS, type JournalEvent, type JournalStream } from './entry.js';

/** SSE bytes kept per stream at most; frames past it are only counted (as `dropped`). */
const MAX_STREAM_BYTES = 4 * 1024 * 1024;
const FIRST_CAPACITY = 8192;
const encoder = new TextEncoder();

/** The SSE of a stream as it left (UTF-8), each write with its end and its offset from the request. */
export class SseCapture {
  private buffer = new Uint8Array(0);
  private size = 0;
  /** Where each write ended in `buffer`, and its offset in ms from the request's arrival. */
  private readonly ends: number[] = [];
  private readonly offsets: number[] = [];
  /** Frames not kept once MAX_STREAM_BYTES was reached. */
  private overflow = 0;

  constructor(private readonly startedAt: number) {}

  /** Keeps frames standin wrote (text) or a chunk of a relayed stream (bytes, copied). */
  add(piece: string | Uint8Array): void {
    if (this.size >= MAX_STREAM_BYTES) {
      this.overflow += framesIn(piece);
      return;
    }
    if (typeof piece === 'string') {
      // UTF-8 takes at most 3 bytes per UTF-16 unit.
      this.reserve(piece.length * 3);
      this.size += encoder.encodeInto(piece, this.buffer.subarray(this.size)).written;
    } else {
      this.reserve(piece.length);
      this.buffer.set(piece, this.size);
      this.size += piece.length;
    }
    this.ends.push(this.size);
    this.offsets.push(Date.now() - this.startedAt);
  }

  /** Gives back the room a finished stream left unused, when that is most of its buffer. */
  trim(): void {
    if (this.buffer.length > this.size * 2) this.buffer = this.buffer.slice(0, this.size);
  }

  /** How many frames went out (kept or not), without parsing them: what a log line shows. */
  frameCount(): number {
    return this.overflow + framesIn(this.buffer.subarray(0, this.size));
  }

  /** The events, each stamped with the offset of the write that completed it; at most MAX_EVENTS. */
  events(): { events: JournalEvent[]; dropped: number } {
    const events: JournalEvent[] = [];
    let dropped = this.overflow;
    let offsetMs = 0;
    const parser = createParser({
      onEvent: ({ event, data }) => {
        if (events.length >= MAX_EVENTS) dropped++;
        else events.push(event ? { offsetMs, event, data } : { offsetMs, data });
      },
    });
    const decoder = new TextDecoder();
    let from = 0;
    this.ends.forEach((end, i) => {
      offsetMs = this.offsets[i]!;
      parser.feed(decoder.decode(this.buffer.subarray(from, end), { stream: true }));
      from = end;
    });
    return { events, dropped };
  }

  private reserve(more: number): void {
    const needed = this.size + more;
    if (needed <= this.buffer.length) return;
    // A new buffer is zero-filled and the old one copied: grow in large steps (a stream's first write,
    // its head events, is a small part of it).
    const grown = new Uint8Array(Math.max(FIRST_CAPACITY, needed * 4, this.buffer.length * 2));
    grown.set(this.buffer.subarray(0, this.size));
    this.buffer = grown;
  }
}

/** Blank lines (frame ends) in a piece of SSE: how many frames it ends. */
function framesIn(piece: string | Uint8Array): number {
  let count = 0;
  if (typeof piece === 'string') {
    for (let at = piece.indexOf('\n\n'); at >= 0; at = piece.indexOf('\n\n', at + 2)) count++;
  } else {
    for (let at = piece.indexOf(10); at >= 0 && at + 1 < piece.length; at = piece.indexOf(10, at + 1)) {
      if (piece[at + 1] === 10) {
        count++;
        at++;
      }
    }
  }
  return count;
}

export interface StreamObservation extends Omit<JournalStream, 'events' | 'dropped'> {
  /** The SSE text as it left (absent when the stream is not SSE). */
  sse?: SseCapture;
  /** The text of a streamed answer that is not SSE (capped at MAX_BODY_CHARS). */
  text: string;
  truncated: boolean;
  /** Wall time the stream ended. */
  endedAt: number;
}

export interface ObserveOptions {
  /** Parse frames as server-sent events (else keep the text). */
  sse: boolean;
  /** Wall time the request arrived: event offsets count from it. */
  startedAt: number;
  /** Awaited before the stream's end reaches the client, so the exchange is recorded by then. */
  onEnd(observation: StreamObservation): Promise<void>;
}

export function observeStream(body: ReadableStream<Uint8Array>, options: ObserveOptions): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const sse = options.sse ? new SseCapture(options.startedAt) : undefined;
  let text = '';
  let truncated = false;
  const take = (chunk: string) => {
    if (text.length + chunk.length > MAX_BODY_CHARS) {
      truncated = true;
      text += chunk.slice(0, MAX_BODY_CHARS - text.length);
    } else text += chunk;
  };
  let ended = false;
  const finish = (end: JournalStream['end'], error?: string): Promise<void> => {
    if (ended) return Promise.resolve();
    ended = true;
    if (sse) sse.trim();
    else take(decoder.decode());
    const observation: StreamObservation = { end, text, truncated, endedAt: Date.now() };
    if (sse) observation.sse = sse;
    if (error !== undefined) observation.error = error;
    return options.onEnd(observation).catch(() => undefined);
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let step: ReadableStreamReadResult<Uint8Array>;
        try {
          step = await reader.read();
        } catch (error) {
          await finish('error', (error as Error)?.message ?? String(error));
          controller.error(error);
          return;
        }
        if (step.done) {
          await finish('complete');
          controller.close();
          return;
        }
        // SSE is kept as bytes (copied: the reader owns the chunk it is given), other text decoded.
        if (sse) sse.add(step.value);
        else take(decoder.decode(step.value, { stream: true }));
        controller.enqueue(step.value);
      },
      async cancel(reason) {
        const cancelled = reader.cancel(reason).catch(() => undefined);
        await finish('cancelled');
        await cancelled;
      },
    },
    // Pull only when the reader asks: no chunk is taken from the producer ahead of the socket.
    { highWaterMark: 0 },
  );
}

/** The same observation for a stream standin makes: its frames as they are handed to the transport. */
export function sseObserver(options: Omit<ObserveOptions, 'sse'>): SseObserver {
  const sse = new SseCapture(options.startedAt);
  return {
    frames: (text) => sse.add(text),
    end(end, error) {
      sse.trim();
      const observation: StreamObservation = { sse, end, text: '', truncated: false, endedAt: Date.now() };
      if (error !== undefined) observation.error = error;
      return options.onEnd(observation).catch(() => undefined);
    },
  };
}
