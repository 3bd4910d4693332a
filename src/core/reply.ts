/**
 * What the engine answers before it becomes a Fetch `Response`: a status, a plain header record and a
 * body: a string, a byte stream (a relayed or replayed recording), or an SSE source (events with their
 * pacing and faults, see src/sse/body.ts). Adapters that own a socket write it directly (building a
 * Response only to read it back costs more than the rest of the request); `toResponse` serves the
 * Fetch-shaped adapters.
 */
import { isSseBody, type SseBody } from '../sse/body.js';
import { sseReadableStream } from '../sse/stream.js';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string | ReadableStream<Uint8Array> | SseBody | null;
  /**
   * Close the connection without answering (chaos's dropped connection): the Node server destroys the
   * socket, a Fetch adapter answers a network error (`Response.error()`), which a client sees as a
   * failed fetch.
   */
  drop?: true;
}

/** A Reply that answers nothing: the connection is closed. */
export function dropReply(): Reply {
  return { status: 0, headers: {}, body: null, drop: true };
}

/** The part of a Fetch `Request` the engine reads; a real `Request` is one. */
export interface EngineRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
  readonly body: ReadableStream<Uint8Array> | null;
}

/** Whether a content type is JSON (`application/json`, or a `+json` type), with or without parameters. */
export function isJsonContentType(contentType: string): boolean {
  return /^application\/([\w.+-]*\+)?json\b/i.test(contentType.trim());
}

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): Reply {
  return { status, headers, body: JSON.stringify(body) };
}

export function toResponse(reply: Reply): Response {
  if (reply.drop) return Response.error();
  const body = reply.body;
  return new Response(isSseBody(body) ? sseReadableStream(body) : body, { status: reply.status, headers: reply.headers });
}
