/**
 * Reads OpenAI's wire `usage` as neutral usage. `prompt_tokens` includes the cached part, which OpenAI
 * reports in `prompt_tokens_details.cached_tokens`; OpenAI's format has no field for cache writes.
 */
import { usage, type Usage } from '../../core/usage.js';

type Obj = Record<string, unknown>;

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function usageOfWire(wire: unknown): Usage | undefined {
  if (typeof wire !== 'object' || wire === null) return undefined;
  const u = wire as Obj;
  const cached = count((u.prompt_tokens_details as Obj | null | undefined)?.cached_tokens);
  return usage(Math.max(0, count(u.prompt_tokens) - cached), count(u.completion_tokens), { cacheReadInputTokens: cached });
}

/** A chat.completion body's usage. */
export function usageOfCompletion(body: unknown): Usage | undefined {
  return usageOfWire((body as Obj | null | undefined)?.usage);
}
