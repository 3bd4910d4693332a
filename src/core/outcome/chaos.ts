/**
 * Seeded chaos: `Prefer: chaos=RATE, chaos-seed=N` (or `standin serve --chaos RATE --chaos-seed N`).
 * Each request of a session takes the next draw of a sequence seeded by (seed, draw number); the
 * draw number is counted per session and seed in the state store, so the same seed and the same order
 * of requests give the same faults, across processes sharing a store, and `reset` starts the sequence
 * again. A draw under RATE picks one fault the request can have:
 *
 * - a documented retryable error of the provider (429, and every 5xx its catalogue holds: 500, 503,
 *   529, …), with the documented headers;
 * - a dropped connection (no answer at all);
 * - for a streamed request, a mid-stream `error` event, or a stream cut short (the connection breaks
 *   after a few events, with no error event and no terminator).
 *
 * Which fault was chosen goes into the trace (the journal shows it). Without a rate, nothing here runs.
 */
import { renderError } from '../errors.js';
import { createRng, hashString } from '../hash.js';
import { dropReply } from '../reply.js';
import { stateKey } from '../state/store.js';
import type { CatalogueEntry, OperationContext } from '../types.js';
import type { Outcome, OutcomeSource } from './types.js';

/** Draw counters are garbage after this long (real time); a test run takes far less. */
const DRAW_TTL_MS = 60 * 60_000;
/** A stream fault comes after 1 to this many events. */
const MAX_EVENTS_BEFORE_FAULT = 6;

export type ChaosFault =
  | { kind: 'status'; status: number }
  | { kind: 'drop' }
  | { kind: 'stream-error'; after: number; errorType: string }
  | { kind: 'truncate'; after: number };

export const chaosSource: OutcomeSource = {
  name: 'chaos',
  choose(ctx) {
    const rate = ctx.prefer.chaos ?? ctx.options.chaosRate;
    if (!rate) return undefined;
    const seed = ctx.prefer.chaosSeed ?? ctx.options.chaosSeed;
    return ctx.store.increment(stateKey(ctx.session, 'chaos-draws', String(seed)), 1, DRAW_TTL_MS).then((draw) => {
      const fault = drawFault(ctx, seed, draw, rate);
      if (!fault) {
        ctx.trace.notes.push(`chaos: draw ${draw} (seed ${seed}, rate ${rate}): no fault`);
        return undefined;
      }
      ctx.trace.outcome = { source: 'chaos', detail: `draw ${draw} (seed ${seed}, rate ${rate}): ${describe(fault)}` };
      return apply(ctx, fault);
    });
  },
};

/** The fault of draw number `draw` of the sequence seeded by `seed`, or undefined for none. */
export function drawFault(ctx: OperationContext, seed: number, draw: number, rate: number): ChaosFault | undefined {
  const rng = createRng(hashString(String(draw), seed >>> 0));
  if (rng.next() >= rate) return undefined;
  const retryable = retryableEntries(ctx);
  const streamed = ctx.provider.profile.wantsStream?.(ctx.operation.operationId, ctx.body) === true && ctx.operation.sse !== undefined;
  const kinds: ChaosFault['kind'][] = [...(retryable.length ? (['status'] as const) : []), 'drop', ...(streamed ? (['stream-error', 'truncate'] as const) : [])];
  const kind = rng.pick(kinds);
  switch (kind) {
    case 'status':
      return { kind, status: rng.pick(retryable).status };
    case 'drop':
      return { kind };
    case 'stream-error': {
      const server = retryable.filter((e) => e.status >= 500 && e.errorType !== undefined);
      return { kind, after: rng.int(1, MAX_EVENTS_BEFORE_FAULT), errorType: server.length ? rng.pick(server).errorType! : '' };
    }
    case 'truncate':
      return { kind, after: rng.int(1, MAX_EVENTS_BEFORE_FAULT) };
  }
}

/** The provider's documented retryable errors for this operation: 429 and the 5xx, in status order. */
function retryableEntries(ctx: OperationContext): CatalogueEntry[] {
  const byStatus = new Map<number, CatalogueEntry>();
  for (const entry of [...ctx.operation.catalogue.values(), ...ctx.provider.catalogue.values()]) {
    if ((entry.status === 429 || entry.status >= 500) && !byStatus.has(entry.status)) byStatus.set(entry.status, entry);
  }
  return [...byStatus.values()].sort((a, b) => a.status - b.status);
}

function apply(ctx: OperationContext, fault: ChaosFault): Outcome | undefined {
  switch (fault.kind) {
    case 'status':
      return {
        reply: renderError(ctx.provider, ctx.operation, fault.status, { requestId: ctx.requestId, retryAfter: ctx.prefer.retryAfter }, { defaults: { 'x-should-retry': 'true' } }),
      };
    case 'drop':
      return { reply: dropReply() };
    // Stream faults shape how the answer is sent, not what it says: synthesis (or a fixture) still
    // answers, and the render step applies them as it would the equivalent Prefer directives.
    case 'stream-error':
      ctx.prefer = { ...ctx.prefer, streamError: fault.errorType, streamErrorAfter: fault.after };
      return undefined;
    case 'truncate':
      ctx.prefer = { ...ctx.prefer, disconnectAfter: fault.after };
      return undefined;
  }
}

function describe(fault: ChaosFault): string {
  switch (fault.kind) {
    case 'status':
      return `status ${fault.status}`;
    case 'drop':
      return 'dropped connection';
    case 'stream-error':
      return `mid-stream error event${fault.errorType ? ` (${fault.errorType})` : ''} after ${fault.after} events`;
    case 'truncate':
      return `stream cut after ${fault.after} events`;
  }
}
