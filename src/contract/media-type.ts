/**
 * The media types the suite tells apart by a content-type header, each test written once.
 * `isJsonMediaType` is the engine's own test of a request's content type (src/core/engine.ts, which
 * does not export it): the two copies must agree.
 */
export function isJsonMediaType(contentType: string): boolean {
  return /^application\/([\w.+-]*\+)?json\b/i.test(contentType.trim());
}

export function isEventStream(contentType: string): boolean {
  return /^text\/event-stream/i.test(contentType.trim());
}

/** A body that reads as server-sent events, for a recording that kept no content-type. */
export function looksLikeEventStream(body: string): boolean {
  return /^\s*(event|data):/.test(body);
}
