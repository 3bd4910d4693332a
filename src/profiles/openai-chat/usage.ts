/**
 * Reads OpenAI's wire `usage` as neutral usage. `prompt_tokens` includes the cached part, which OpenAI
 * reports in `prompt_tokens_details.cached_tokens`, and the part written to the cache, which gateways
 * serving Claude's caching (AIgateway) report in `cache_write_tokens`.
 */
import { usage, type Usage } from '../../core/usage.js';

type Obj = Record<string, unknown>;

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function usageOfWire(wire: unknown): Usage | undefined {
  if (typeof wire !== 'object' || wire === null) return undefined;
  const u = wire as Obj;
  const details = u.prompt_tokens_details as Obj | null | undefined;
  const cached = count(details?.cached_tokens);
  const written = count(details?.cache_write_tokens);
  return usage(Math.max(0, count(u.prompt_tokens) - cached - written), count(u.completion_tokens), { cacheReadInputTokens: cached, cacheWriteInputTokens: written });
}

/** A chat.completion body's usage. */
export function usageOfCompletion(body: unknown): Usage | undefined {
  return usageOfWire((body as Obj | null | undefined)?.usage);
}
