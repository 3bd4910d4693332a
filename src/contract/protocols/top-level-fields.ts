/** Anthropic and OpenAI bodies both keep `max_tokens` at the top: one copy serves both. */
import type { OperationRuntime } from '../../core/types.js';
import type { PlanContext } from '../checks.js';
import { maximumOf } from '../schema-facts.js';
import { requestSchema } from './property-source.js';

type Obj = Record<string, any>;

/** The body without one of its top-level fields. */
export function withoutField(body: unknown, field: string): { body: unknown; field: string } {
  const { [field]: _drop, ...rest } = body as Obj;
  return { body: rest, field };
}

/**
 * The body with a top-level field just past its documented maximum; undefined when the document gives
 * none. `max_tokens` first, unless the document marks it an output cap (`x-standin-output-cap`), which
 * standin serves capped rather than refuses: then `temperature`, whose range every provider refuses past.
 */
export function maxTokensPastMaximum(body: unknown, ctx: PlanContext, op: OperationRuntime): { body: unknown; field: string; value: number } | undefined {
  for (const field of ['max_tokens', 'temperature']) {
    if (op.outputCaps.has(`/${field}`)) continue;
    const max = maximumOf(ctx.provider.document, requestSchema(op), [field]);
    if (max === undefined) continue;
    const value = Number.isInteger(max) && field === 'max_tokens' ? max + 1 : max + 0.5;
    return { body: { ...(body as Obj), [field]: value }, field, value };
  }
  return undefined;
}
