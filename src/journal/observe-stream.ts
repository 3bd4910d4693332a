/**
 * Watches a streamed answer on its way out: every chunk is passed on unchanged, SSE frames are parsed
 * into events stamped with their offset, and once the stream ends (or the client leaves, or it breaks
 * off) the observation is handed over. A streamed answer made by standin carries its events (an
 * `SseBody`), which `sseObserver` watches without parsing; a byte stream (a relayed or replayed
 * recording) is parsed here, the only place that reads one.
 */
import { createParser } from 'eventsource-parser';
import type { SseObserver } from '../sse/body.js';
import { MAX_BODY_CHARS, MAX_EVENTS, type JournalEvent, type JournalStream } from './entry.js';

export interface StreamObservation extends JournalStream {
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
  const events: JournalEvent[] = [];
  let dropped = 0;
  let text = '';
  let truncated = false;
  const parser = options.sse
    ? createParser({
        onEvent: ({ event, data }) => {
          if (events.length >= MAX_EVENTS) dropped++;
          else events.push(event ? { offsetMs: Date.now() - options.startedAt, event, data } : { offsetMs: Date.now() - options.startedAt, data });
        },
      })
    : undefined;
  const take = (chunk: string) => {
    if (parser) return parser.feed(chunk);
    if (text.length + chunk.length > MAX_BODY_CHARS) {
      truncated = true;
      text += chunk.slice(0, MAX_BODY_CHARS - text.length);
    } else text += chunk;
  };
  let ended = false;
  const finish = (end: JournalStream['end'], error?: string): Promise<void> => {
    if (ended) return Promise.resolve();
    ended = true;
    take(decoder.decode());
    const observation: StreamObservation = { events, end, text, truncated, endedAt: Date.now() };
    if (dropped > 0) observation.dropped = dropped;
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
        take(decoder.decode(step.value, { stream: true }));
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

/** The same observation for a stream standin makes: each event as it is handed to the transport. */
export function sseObserver(options: Omit<ObserveOptions, 'sse'>): SseObserver {
  const events: JournalEvent[] = [];
  let dropped = 0;
  return {
    event(name, data) {
      if (events.length >= MAX_EVENTS) dropped++;
      else events.push(name ? { offsetMs: Date.now() - options.startedAt, event: name, data } : { offsetMs: Date.now() - options.startedAt, data });
    },
    end(end, error) {
      const observation: StreamObservation = { events, end, text: '', truncated: false, endedAt: Date.now() };
      if (dropped > 0) observation.dropped = dropped;
      if (error !== undefined) observation.error = error;
      return options.onEnd(observation).catch(() => undefined);
    },
  };
}
