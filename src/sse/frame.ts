/** Server-sent event framing: Anthropic names each event; OpenAI-style streams send data lines only. */
import type { SseEvent } from '../core/types.js';

export type Framing = 'named' | 'data';

/** An event's data line as sent: a string as it is, anything else as JSON. */
export function dataOf(event: SseEvent): string {
  return typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
}

export function frameData(name: string | undefined, data: string, framing: Framing): string {
  if (framing === 'named' && name) return `event: ${name}\ndata: ${data}\n\n`;
  return `data: ${data}\n\n`;
}

export function frameEvent(event: SseEvent, framing: Framing): string {
  return frameData(event.event, dataOf(event), framing);
}
