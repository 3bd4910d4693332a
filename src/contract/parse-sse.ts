/** Parses an SSE body text into events, with eventsource-parser (Web APIs only). */
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
