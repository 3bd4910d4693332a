/** Parses an SSE body (text or byte stream) into events, with eventsource-parser (Web APIs only). */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface ParsedEvent {
  event?: string;
  data: string;
}

export function parseSseText(text: string): ParsedEvent[] {
  const events: ParsedEvent[] = [];
  const parser = createParser({ onEvent: (e: EventSourceMessage) => events.push({ event: e.event, data: e.data }) });
  parser.feed(text);
  parser.feed('\n\n');
  return events;
}

/** Reads a stream to the end, yielding events as they arrive. */
export async function* readSseStream(body: ReadableStream<Uint8Array>): AsyncGenerator<ParsedEvent> {
  const queue: ParsedEvent[] = [];
  const parser = createParser({ onEvent: (e: EventSourceMessage) => queue.push({ event: e.event, data: e.data }) });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      while (queue.length) yield queue.shift()!;
    }
    parser.feed(decoder.decode() + '\n\n');
    while (queue.length) yield queue.shift()!;
  } finally {
    reader.releaseLock();
  }
}
