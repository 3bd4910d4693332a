/**
 * Renders the headers a document declares for a response, resolving `x-standin-value`s. Headers are a
 * plain record: the Node adapter's lightweight Response writes a record straight to the socket, where
 * a `Headers` object costs a conversion on every request.
 */
import { formatInstant } from './instant.js';
import type { HeaderSpec, HeaderValues } from './types.js';

export interface HeaderContext {
  requestId: string;
  retryAfter?: number;
  /** Per-request values for `x-standin-value`s other than `request-id` and `retry-after`. */
  values?: HeaderValues;
  /** Values that win over `values` (the settle step's over the handler's); kept apart to spare a copy. */
  settled?: HeaderValues;
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
  for (const spec of derived) {
    const value = headerValue(spec, ctx);
    if (value !== undefined) into[spec.name] = value;
  }
  return into;
}

/** The clock reading the settle step used, for instants written as the time left (`6s`). */
export const NOW_VALUE = 'now-ms';

function headerValue(spec: HeaderSpec, ctx: HeaderContext): string | undefined {
  switch (spec.derived) {
    case 'request-id':
      return ctx.requestId;
    case 'retry-after':
      return ctx.retryAfter !== undefined ? String(ctx.retryAfter) : spec.value;
    default: {
      const value = ctx.settled?.[spec.derived!] ?? ctx.values?.[spec.derived!];
      if (spec.instant === undefined) return value ?? spec.value;
      // A reset nobody counted (no rate-limit step asked): the budget is untouched, so full now.
      const now = Number(ctx.settled?.[NOW_VALUE] ?? Date.now());
      return formatInstant(spec.instant, value === undefined ? now : Number(value), now);
    }
  }
}
