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

/** The body with `max_tokens` one past the documented maximum; undefined when the document gives none. */
export function maxTokensPastMaximum(body: unknown, ctx: PlanContext, op: OperationRuntime): { body: unknown; field: string; value: number } | undefined {
  const max = maximumOf(ctx.provider.document, requestSchema(op), ['max_tokens']);
  if (max === undefined) return undefined;
  return { body: { ...(body as Obj), max_tokens: max + 1 }, field: 'max_tokens', value: max + 1 };
}
