/** Renders the headers a document declares for a response, resolving `x-standin-value`s. */
import type { HeaderSpec, HeaderValues } from './types.js';

export interface HeaderContext extends HeaderValues {
  requestId: string;
  retryAfter?: number;
}

export function renderHeaders(specs: HeaderSpec[], ctx: HeaderContext, into: Headers): Headers {
  for (const spec of specs) {
    const value = headerValue(spec, ctx);
    if (value !== undefined) into.set(spec.name, value);
  }
  return into;
}

function headerValue(spec: HeaderSpec, ctx: HeaderContext): string | undefined {
  switch (spec.derived) {
    case 'request-id':
      return ctx.requestId;
    case 'retry-after':
      return ctx.retryAfter !== undefined ? String(ctx.retryAfter) : spec.value;
    case 'estimated-credits':
      return ctx['estimated-credits'];
    case 'now-plus-60s':
      return new Date(Math.ceil(Date.now() / 1000) * 1000 + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    default:
      return spec.value;
  }
}
