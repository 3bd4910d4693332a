/** Asks each source in order; the first that answers decides. The last source must always answer. */
import type { OperationContext } from '../types.js';
import type { Outcome, OutcomeSource } from './types.js';

export function chooseOutcome(sources: readonly OutcomeSource[], ctx: OperationContext, from = 0): Outcome | Promise<Outcome> {
  for (let i = from; i < sources.length; i++) {
    const source = sources[i]!;
    const chosen = source.choose(ctx);
    if (chosen instanceof Promise) {
      return chosen.then((outcome) => (outcome ? noted(source, ctx, outcome) : chooseOutcome(sources, ctx, i + 1)));
    }
    if (chosen) return noted(source, ctx, chosen);
  }
  throw new Error('standin: no outcome source answered (the synthesis source must come last)');
}

function noted(source: OutcomeSource, ctx: OperationContext, outcome: Outcome): Outcome {
  ctx.trace.outcome ??= { source: source.name };
  return outcome;
}
