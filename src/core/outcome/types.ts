/**
 * Choosing the outcome is one step of the pipeline, made of sources asked in a fixed order a user can
 * predict: forced (`Prefer: code=`, `fail-first`) → chaos → state (rate limits, credits) → fixture →
 * synthesis. Each source answers "this outcome" or `undefined` ("not mine"); the first answer wins.
 *
 * Once the outcome is chosen, the settle step (settle.ts) lets every source that was asked and has a
 * `settle` hook account for what is being answered: its status and usage (output tokens are only known
 * now). What the hooks return fills the answer's `x-standin-value` headers (rate-limit counters,
 * balances), so a header counts this answer too.
 */
import type { Reply } from '../reply.js';
import type { HeaderValues, OperationContext, OperationResult } from '../types.js';
import type { Usage } from '../usage.js';

/** A finished Reply (a forced error with its headers) or a result the render step turns into one. */
export type Outcome = { reply: Reply } | { result: OperationResult };

/** What the settle step knows about the chosen outcome. */
export interface Settled {
  outcome: Outcome;
  /** The status the answer will carry. */
  status: number;
  /** What the answer reports using; undefined for errors and for answers that report none. */
  usage: Usage | undefined;
  /** The name of the source that chose the outcome. */
  source: string;
}

export interface OutcomeSource {
  /** Shown in the trace and the journal as the source of the answer. */
  name: string;
  choose(ctx: OperationContext): Outcome | undefined | Promise<Outcome | undefined>;
  /**
   * Called after the outcome is chosen (by this source or a later one), before it is rendered. Answers
   * header values for the answer's documented `x-standin-value` headers; a Reply outcome is already
   * rendered, so its headers stay as they are.
   */
  settle?(ctx: OperationContext, settled: Settled): HeaderValues | void | Promise<HeaderValues | void>;
}
