/** The media types the suite tells apart by a content-type header, each test written once. */
import { isJsonContentType } from '../core/reply.js';

/** The engine's own JSON test, so the suite and the mock agree on what counts as JSON. */
export const isJsonMediaType = isJsonContentType;

export function isEventStream(contentType: string): boolean {
  return /^text\/event-stream/i.test(contentType.trim());
}

/** A body that reads as server-sent events, for a recording that kept no content-type. */
export function looksLikeEventStream(body: string): boolean {
  return /^\s*(event|data):/.test(body);
}
