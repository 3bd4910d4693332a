/** Server-sent event framing: Anthropic names each event; OpenAI-style streams send data lines only. */
import type { SseEvent } from '../core/types.js';

export type Framing = 'named' | 'data';

export function frameEvent(event: SseEvent, framing: Framing): string {
  const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
  if (framing === 'named' && event.event) return `event: ${event.event}\ndata: ${data}\n\n`;
  return `data: ${data}\n\n`;
}
