/** Reads Anthropic's wire `usage` (a Message's, or message_delta's) as neutral usage. */
import { createdTokens, NO_CACHE } from '../../core/cache/prompt-cache.js';
import { usage, type Usage } from '../../core/usage.js';
import type { MessagePlan } from './plan-message.js';

type Obj = Record<string, unknown>;

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function usageOfWire(wire: unknown): Usage | undefined {
  if (typeof wire !== 'object' || wire === null) return undefined;
  const u = wire as Obj;
  return usage(count(u.input_tokens), count(u.output_tokens), {
    cacheReadInputTokens: count(u.cache_read_input_tokens),
    cacheWriteInputTokens: count(u.cache_creation_input_tokens),
    cacheWrite1hInputTokens: count((u.cache_creation as Obj | null | undefined)?.ephemeral_1h_input_tokens),
  });
}

/** What a planned message reports using: the Message's `usage`, without rendering the Message. */
export function planUsage(plan: MessagePlan): Usage {
  const cache = plan.cache ?? NO_CACHE;
  return usage(plan.inputTokens, plan.outputTokens, {
    cacheReadInputTokens: cache.read,
    cacheWriteInputTokens: createdTokens(cache),
    cacheWrite1hInputTokens: cache.created1h,
  });
}

/** A Message body's usage. */
export function usageOfMessage(body: unknown): Usage | undefined {
  return usageOfWire((body as Obj | null | undefined)?.usage);
}
