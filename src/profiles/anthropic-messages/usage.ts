/** Reads Anthropic's wire `usage` (a Message's, or message_delta's) as neutral usage. */
import { usage, type Usage } from '../../core/usage.js';

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

/** A Message body's usage. */
export function usageOfMessage(body: unknown): Usage | undefined {
  return usageOfWire((body as Obj | null | undefined)?.usage);
}
