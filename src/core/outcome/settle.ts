/**
 * Pipeline step "settle": after the outcome is chosen and before it is rendered, each source that was
 * asked (it comes at or before the one that answered) and has a `settle` hook accounts for the answer:
 * rate limits count its output tokens, credits charge its cost. Their header values are merged, in
 * source order, into the values the render step resolves `x-standin-value` headers with.
 *
 * The engine skips this step entirely when no source has a hook, so plain synthesis pays nothing.
 */
import { statusForTrigger } from '../errors.js';
import { jsonBodyOf } from '../json-body.js';
import type { HeaderValues, OperationContext, OperationResult } from '../types.js';
import type { Usage } from '../usage.js';
import type { Outcome, OutcomeSource, Settled } from './types.js';

export function settleOutcome(
  sources: readonly OutcomeSource[],
  answeredBy: number,
  ctx: OperationContext,
  outcome: Outcome,
): HeaderValues | undefined | Promise<HeaderValues | undefined> {
  let settled: Settled | undefined;
  let values: HeaderValues | undefined;
  let pending: Promise<void> | undefined;
  for (let i = 0; i <= answeredBy; i++) {
    const source = sources[i]!;
    if (!source.settle) continue;
    settled ??= describe(ctx, outcome, sources[answeredBy]!.name);
    const s = settled;
    const run = (): HeaderValues | void | Promise<HeaderValues | void> => source.settle!(ctx, s);
    // Hooks run one after another, in source order, so a later hook sees the state an earlier one left.
    if (pending) {
      pending = pending.then(async () => {
        values = merge(values, await run());
      });
      continue;
    }
    const out = run();
    if (out instanceof Promise) pending = out.then((v) => void (values = merge(values, v)));
    else values = merge(values, out);
  }
  return pending ? pending.then(() => values) : values;
}

function merge(into: HeaderValues | undefined, more: HeaderValues | void): HeaderValues | undefined {
  return more ? Object.assign(into ?? {}, more) : into;
}

function describe(ctx: OperationContext, outcome: Outcome, source: string): Settled {
  if ('reply' in outcome) return { outcome, status: outcome.reply.status, usage: undefined, source };
  const result = outcome.result;
  const status = statusOf(ctx, result);
  return { outcome, status, usage: status < 300 ? usageOf(ctx, result) : undefined, source };
}

function statusOf(ctx: OperationContext, result: OperationResult): number {
  if (result.kind === 'stream') return 200;
  if (result.kind === 'json') return result.status ?? 200;
  return result.status ?? statusForTrigger(ctx.provider, result.trigger ?? 'invalid-request');
}

/** The usage a result reports: its own `usage`, else what the profile reads from a JSON body. */
export function usageOf(ctx: OperationContext, result: OperationResult): Usage | undefined {
  if (result.kind === 'error') return undefined;
  if (result.usage) return result.usage();
  return result.kind === 'json' ? ctx.provider.profile.usageOf?.(jsonBodyOf(result)) : undefined;
}
