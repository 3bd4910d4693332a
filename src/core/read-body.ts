/** Reads a request body as text, stopping once it passes the limit instead of buffering all of it. */
import type { EngineRequest } from './reply.js';

export type BodyRead = { ok: true; text: string } | { ok: false; tooLarge: true; bytes: number };

export function readBodyLimited(request: EngineRequest, limit: number): Promise<BodyRead> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared <= limit) {
    // The declared length is within the limit, and the runtime holds the body to it. (Touching
    // `request.body` first would make some adapters build a whole stream just to answer.)
    return request.text().then((text) => ({ ok: true, text }));
  }
  return refuseOrReadUpToLimit(request, limit, declared);
}

/** A body declared too large is refused unread; one of unknown length is read until it passes the limit. */
async function refuseOrReadUpToLimit(request: EngineRequest, limit: number, declared: number): Promise<BodyRead> {
  if (Number.isFinite(declared)) {
    await request.body?.cancel().catch(() => undefined);
    return { ok: false, tooLarge: true, bytes: declared };
  }
  if (!request.body) return { ok: true, text: '' };
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > limit) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, tooLarge: true, bytes };
    }
    text += decoder.decode(value, { stream: true });
  }
  return { ok: true, text: text + decoder.decode() };
}
