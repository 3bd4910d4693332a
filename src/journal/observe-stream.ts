/**
 * Watches a streamed answer on its way out: every chunk is passed on unchanged, and once the stream
 * ends (or the client leaves, or it breaks off) the observation is handed over. SSE is kept as the text
 * that went out (`SseCapture`): the strings written, joined into one when the stream ends, with where
 * each write ended and when it left, parsed into events only when the entry is sealed. The journal
 * keeps up to a thousand streams alive until they are read, so what it keeps of one must be cheap to
 * keep: one flat string is one object without pointers for the collector, and an unpaced stream's text
 * is the very string that was written (no copy). Measured (server CPU per unpaced Anthropic stream,
 * alternating rounds): UTF-8 bytes in a growing buffer per stream (an ArrayBuffer allocated, zero-filled
 * and copied as it grew, then trimmed) ~156 µs; this ~138 µs; keeping no stream text at all ~119 µs. An
 * object or string kept per event cost more still. A streamed answer made by standin (an `SseBody`) is
 * watched through `sseObserver`; a byte stream (a relayed or replayed recording) through `observeStream`.
 */
import { createParser } from 'eventsource-parser';
import type { SseObserver } from '../sse/body.js';
import { watchBytes, type BytesWatcher } from '../core/whole-bytes.js';
import { MAX_BODY_CHARS, MAX_EVENTS, type JournalEvent, type JournalStream } from './entry.js';

/** SSE kept per stream at most (characters, or bytes of a relayed stream); frames past it are only counted. */
const MAX_STREAM_SIZE = 4 * 1024 * 1024;
const FIRST_CAPACITY = 8192;
const encoder = new TextEncoder();
/** For whole texts only; a stream split across pieces gets a decoder of its own (`stream: true`). */
const decoder = new TextDecoder();

/**
 * The SSE of a stream as it left, each write with where it ended and its offset from the request.
 * Frames standin wrote arrive as text and are kept as those strings. A relayed or replayed stream
 * arrives as bytes: they are copied into one growing buffer and decoded once, when the stream ends.
 * Measured in process for a relayed stream of 27 chunks, a ring of 1,000 kept: a string decoded per
 * chunk ~11 µs, this ~5-6 µs. The first piece decides which; a later piece of the other kind is
 * converted to it.
 */
export class SseCapture {
  /** The writes' text, one string per write while the stream runs, one string once it has ended. */
  private pieces: string[] = [];
  /** A relayed stream's bytes until it ends. */
  private relayed: Uint8Array | undefined;
  /** Characters kept (bytes, while `relayed` holds them). */
  private size = 0;
  /** Where each write ended (in the same units as `size`), and its offset in ms from the request's arrival. */
  private ends: number[] = [];
  private readonly offsets: number[] = [];
  /** Frames not kept once MAX_STREAM_SIZE was reached. */
  private overflow = 0;
  /** Decodes bytes that reach a capture of text, keeping a character split across pieces whole. */
  private decoder: TextDecoder | undefined;

  constructor(private readonly startedAt: number) {}

  /** Keeps frames standin wrote (text) or a chunk of a relayed stream (bytes, copied). */
  add(piece: string | Uint8Array): void {
    if (this.size >= MAX_STREAM_SIZE) {
      this.overflow += framesIn(typeof piece === 'string' ? piece : decoder.decode(piece));
      return;
    }
    if (typeof piece !== 'string' && this.pieces.length === 0) this.relayed ??= new Uint8Array(Math.max(FIRST_CAPACITY, piece.length));
    if (this.relayed) this.copy(typeof piece === 'string' ? encoder.encode(piece) : piece);
    else {
      const text = typeof piece === 'string' ? piece : (this.decoder ??= new TextDecoder()).decode(piece, { stream: true });
      this.pieces.push(text);
      this.size += text.length;
    }
    this.ends.push(this.size);
    this.offsets.push(Date.now() - this.startedAt);
  }

  /**
   * The stream has ended: its writes become one string (a paced stream wrote each frame alone). A
   * relayed stream stays bytes: the journal keeps them as they are, and they are decoded only if read.
   */
  trim(): void {
    if (!this.relayed && this.pieces.length > 1) this.pieces = [this.pieces.join('')];
  }

  /** How many frames went out (kept or not), without parsing them: what a log line shows. */
  frameCount(): number {
    return this.overflow + framesIn(this.text());
  }

  /** The events, each stamped with the offset of the write that completed it; at most MAX_EVENTS. */
  events(): { events: JournalEvent[]; dropped: number } {
    return sseEvents(this.text(), { ends: this.ends, offsets: this.offsets, overflow: this.overflow });
  }

  /**
   * What a journal record keeps of the stream (exchange-record.ts): its text, or a relayed stream's
   * bytes (its write ends then count bytes), with write ends and offsets.
   */
  kept(): { text: string; bytes?: Uint8Array; sse: SseWrites } {
    const sse: SseWrites = { ends: this.ends, offsets: this.offsets, overflow: this.overflow };
    if (this.relayed) {
      sse.inBytes = true;
      return { text: '', bytes: this.relayed.subarray(0, this.size), sse };
    }
    this.trim();
    return { text: this.pieces[0] ?? '', sse };
  }

  private text(): string {
    if (this.relayed) this.decodeRelayed();
    this.trim();
    return this.pieces[0] ?? '';
  }

  private copy(bytes: Uint8Array): void {
    const needed = this.size + bytes.length;
    if (needed > this.relayed!.length) {
      // A new buffer is zero-filled and the old one copied: grow in large steps.
      const grown = new Uint8Array(Math.max(needed * 2, this.relayed!.length * 2));
      grown.set(this.relayed!.subarray(0, this.size));
      this.relayed = grown;
    }
    this.relayed!.set(bytes, this.size);
    this.size = needed;
  }

  /** A relayed stream's bytes become its text, its write ends counted in characters. */
  private decodeRelayed(): void {
    const bytes = this.relayed!.subarray(0, this.size);
    const text = decoder.decode(bytes);
    if (text.length !== bytes.length) this.ends = charEnds(bytes, this.ends);
    this.pieces = [text];
    this.size = text.length;
    this.relayed = undefined;
  }
}

/** Ends of writes counted in bytes of UTF-8, counted in characters of its text instead. */
export function charEnds(bytes: Uint8Array, ends: readonly number[]): number[] {
  const pieces = new TextDecoder(); // a character may be split across writes
  let from = 0;
  let chars = 0;
  return ends.map((end) => {
    chars += pieces.decode(bytes.subarray(from, end), { stream: true }).length;
    from = end;
    return chars;
  });
}

/** Where each write of a stream ended in its text, when it left, and how many frames were not kept. */
export interface SseWrites {
  ends: readonly number[];
  /** `ends` count bytes of the UTF-8 (a relayed stream kept as its bytes) rather than characters. */
  inBytes?: boolean;
  offsets: readonly number[];
  overflow: number;
}

/** A stream's events, each stamped with the offset of the write that completed it; at most MAX_EVENTS. */
export function sseEvents(text: string, writes: SseWrites): { events: JournalEvent[]; dropped: number } {
  const events: JournalEvent[] = [];
  let dropped = writes.overflow;
  let offsetMs = 0;
  const parser = createParser({
    onEvent: ({ event, data }) => {
      if (events.length >= MAX_EVENTS) dropped++;
      else events.push(event ? { offsetMs, event, data } : { offsetMs, data });
    },
  });
  let from = 0;
  writes.ends.forEach((end, i) => {
    offsetMs = writes.offsets[i]!;
    parser.feed(text.slice(from, end));
    from = end;
  });
  return { events, dropped };
}

/** Blank lines (frame ends) in a piece of SSE: how many frames it ends. */
export function framesIn(piece: string): number {
  let count = 0;
  for (let at = piece.indexOf('\n\n'); at >= 0; at = piece.indexOf('\n\n', at + 2)) count++;
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
  onEnd(observation: StreamObservation): Promise<void> | undefined;
}

/**
 * Watches a byte stream. One that tells its watchers itself (a recording replayed at once,
 * `wholeBytesStream`) is answered as it is; any other is read through a wrapper stream.
 */
export function observeStream(body: ReadableStream<Uint8Array>, options: ObserveOptions): ReadableStream<Uint8Array> {
  const watcher = streamWatcher(options, options.sse);
  const watch = watchBytes(body);
  if (watch) {
    watch(watcher);
    return body;
  }
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let step: ReadableStreamReadResult<Uint8Array>;
        try {
          step = await reader.read();
        } catch (error) {
          await watcher.end('error', (error as Error)?.message ?? String(error));
          controller.error(error);
          return;
        }
        if (step.done) {
          await watcher.end('complete');
          controller.close();
          return;
        }
        watcher.chunk(step.value);
        controller.enqueue(step.value);
      },
      async cancel(reason) {
        const cancelled = reader.cancel(reason).catch(() => undefined);
        await watcher.end('cancelled');
        await cancelled;
      },
    },
    // Pull only when the reader asks: no chunk is taken from the producer ahead of the socket.
    { highWaterMark: 0 },
  );
}

/** The same observation for a stream standin makes: its frames as they are handed to the transport. */
export function sseObserver(options: Omit<ObserveOptions, 'sse'>): SseObserver {
  const watcher = streamWatcher(options, true);
  return { frames: watcher.chunk, end: watcher.end };
}

/**
 * What the journal keeps of a stream as it passes, whichever way it is watched (standin's frames, a
 * wrapped byte stream, a stream that tells its watchers itself): SSE in an `SseCapture`, other text
 * decoded and capped. Its end hands the observation over once; the promise it answers, if any, is the
 * journal's own (a synthesised stream's end waits for no more than that).
 */
function streamWatcher(options: Omit<ObserveOptions, 'sse'>, isSse: boolean): BytesWatcher & { chunk(piece: string | Uint8Array): void } {
  const sse = isSse ? new SseCapture(options.startedAt) : undefined;
  const chunks = sse ? undefined : new TextDecoder(); // the answer's own: a character may be split across chunks
  let text = '';
  let truncated = false;
  const take = (chunk: string) => {
    if (text.length + chunk.length > MAX_BODY_CHARS) {
      truncated = true;
      text += chunk.slice(0, MAX_BODY_CHARS - text.length);
    } else text += chunk;
  };
  let ended = false;
  return {
    chunk(piece) {
      if (sse) sse.add(piece);
      else take(typeof piece === 'string' ? piece : chunks!.decode(piece, { stream: true }));
    },
    end(end, error) {
      if (ended) return undefined;
      ended = true;
      if (sse) sse.trim();
      else take(chunks!.decode());
      const observation: StreamObservation = { end, text, truncated, endedAt: Date.now() };
      if (sse) observation.sse = sse;
      if (error !== undefined) observation.error = error;
      return options.onEnd(observation)?.catch(() => undefined);
    },
  };
}
