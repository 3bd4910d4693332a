/** Asks each source in order; the first that answers decides. The last source must always answer. */
import type { OperationContext } from '../types.js';
import type { Outcome, OutcomeSource } from './types.js';

/** The outcome and the index of the source that chose it (sources before it were asked too). */
export interface Chosen {
  outcome: Outcome;
  index: number;
}

export function chooseOutcome(sources: readonly OutcomeSource[], ctx: OperationContext, from = 0): Chosen | Promise<Chosen> {
  for (let i = from; i < sources.length; i++) {
    const source = sources[i]!;
    const chosen = source.choose(ctx);
    if (chosen instanceof Promise) {
      return chosen.then((outcome) => (outcome ? noted(source, ctx, outcome, i) : chooseOutcome(sources, ctx, i + 1)));
    }
    if (chosen) return noted(source, ctx, chosen, i);
  }
  throw new Error('standin: no outcome source answered (the synthesis source must come last)');
}

function noted(source: OutcomeSource, ctx: OperationContext, outcome: Outcome, index: number): Chosen {
  ctx.trace.outcome ??= { source: source.name };
  return { outcome, index };
}
