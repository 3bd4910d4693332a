/**
 * Renders the headers a document declares for a response, resolving `x-standin-value`s. Headers are a
 * plain record: the Node adapter's lightweight Response writes a record straight to the socket, where
 * a `Headers` object costs a conversion on every request.
 */
import type { HeaderSpec, HeaderValues } from './types.js';

export interface HeaderContext {
  requestId: string;
  retryAfter?: number;
  /** Per-request values for `x-standin-value`s other than `request-id` and `retry-after`. */
  values?: HeaderValues;
}

export type HeaderRecord = Record<string, string>;

interface SplitSpecs {
  fixed: HeaderRecord;
  derived: HeaderSpec[];
}

const split = new WeakMap<HeaderSpec[], SplitSpecs>();

/** The headers whose values never change, as one record, and the rest, computed once per list. */
function splitSpecs(specs: HeaderSpec[]): SplitSpecs {
  let parts = split.get(specs);
  if (!parts) {
    parts = { fixed: {}, derived: [] };
    for (const spec of specs) {
      if (spec.derived) parts.derived.push(spec);
      else if (spec.value !== undefined) parts.fixed[spec.name] = spec.value;
    }
    split.set(specs, parts);
  }
  return parts;
}

export function renderHeaders(specs: HeaderSpec[], ctx: HeaderContext, into: HeaderRecord): HeaderRecord {
  const { fixed, derived } = splitSpecs(specs);
  Object.assign(into, fixed);
  let reset: string | undefined; // one clock reading for all of an answer's reset headers
  for (const spec of derived) {
    const value = spec.derived === 'now-plus-60s' ? (reset ??= oneMinuteAhead()) : headerValue(spec, ctx);
    if (value !== undefined) into[spec.name] = value;
  }
  return into;
}

let resetSecond = 0;
let resetText = '';

/** An RFC 3339 time one minute ahead, recomputed at most once a second. */
function oneMinuteAhead(): string {
  const second = Math.ceil(Date.now() / 1000);
  if (second !== resetSecond) {
    resetSecond = second;
    resetText = new Date((second + 60) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return resetText;
}

function headerValue(spec: HeaderSpec, ctx: HeaderContext): string | undefined {
  switch (spec.derived) {
    case 'request-id':
      return ctx.requestId;
    case 'retry-after':
      return ctx.retryAfter !== undefined ? String(ctx.retryAfter) : spec.value;
    default:
      return ctx.values?.[spec.derived!] ?? spec.value;
  }
}
