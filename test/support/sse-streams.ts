/** A stream's producer and reader as the SSE tests need them, on the Web stream path and at the socket. */
import type { PacedEvent } from '../../src/sse/body.js';

/** A lazy producer of events that counts how many it has made and notes when it was closed. */
export interface CountedEvents {
  events: Generator<PacedEvent>;
  /** Events made so far (the stream asked for them). */
  readonly produced: number;
  /** The generator has been closed: run to its end, or stopped by the stream (a client that left). */
  readonly finished: boolean;
}

/** `total` events, by default `{ data: { i }, tokens: 1 }` (one token each, so pacing applies). */
export function countedEvents(total: number, event: (i: number) => PacedEvent = (i) => ({ data: { i }, tokens: 1 })): CountedEvents {
  let produced = 0;
  let finished = false;
  function* produce(): Generator<PacedEvent> {
    try {
      for (let i = 0; i < total; i++) {
        produced++;
        yield event(i);
      }
    } finally {
      finished = true;
    }
  }
  return {
    events: produce(),
    get produced() {
      return produced;
    },
    get finished() {
      return finished;
    },
  };
}

/** Reads a byte stream to its end or its error: the text that arrived, and the error (undefined if it ended). */
export async function readUntilEnd(stream: ReadableStream<Uint8Array>): Promise<{ text: string; error: unknown }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text + decoder.decode(), error: undefined };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text: text + decoder.decode(), error };
  }
}
