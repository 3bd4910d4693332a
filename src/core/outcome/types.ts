/**
 * Choosing the outcome is one step of the pipeline, made of sources asked in a fixed order a user can
 * predict: forced (`Prefer: code=`, `fail-first`) → chaos → state (rate limits, credits) → fixture →
 * synthesis. Each source answers "this outcome" or `undefined` ("not mine"); the first answer wins.
 */
import type { Reply } from '../reply.js';
import type { OperationContext, OperationResult } from '../types.js';

/** A finished Reply (a forced error with its headers) or a result the render step turns into one. */
export type Outcome = { reply: Reply } | { result: OperationResult };

export interface OutcomeSource {
  /** Shown in the trace and the journal as the source of the answer. */
  name: string;
  choose(ctx: OperationContext): Outcome | undefined | Promise<Outcome | undefined>;
}
