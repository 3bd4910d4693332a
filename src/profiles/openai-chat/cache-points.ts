/**
 * AIgateway's prompt caching, the OpenAI way: automatic, with nothing to mark. Every message boundary
 * is a cacheable prefix (tools first, then the messages in order); a request reads the longest prefix an
 * earlier one of the session left in the cache and writes its own longer ones. Only the last few
 * boundaries are kept, which covers a conversation growing turn by turn and bounds the work per request.
 * Token counts follow `countPromptTokens`, so a whole-prompt prefix is exactly `prompt_tokens`.
 */
import { PrefixHasher, type CachePoint } from '../../core/cache/prompt-cache.js';
import { jsonTokens } from '../../synth/tokens.js';
import { messageTokens } from './prompt-tokens.js';

type Obj = Record<string, unknown>;

/** How many of the longest boundaries are looked up and written. */
const BOUNDARIES = 4;

export function automaticCachePoints(body: Obj, minTokens: number): CachePoint[] {
  const hasher = new PrefixHasher();
  let tokens = 3;
  for (const tool of (body.tools ?? []) as Obj[]) {
    hasher.add(JSON.stringify(tool));
    tokens += jsonTokens(tool);
  }
  const points: CachePoint[] = [];
  for (const message of (body.messages ?? []) as Obj[]) {
    hasher.add(JSON.stringify(message));
    tokens += messageTokens(message);
    if (tokens >= minTokens) points.push({ prefixHash: hasher.value, tokens, ttl: '5m' });
  }
  return points.slice(-BOUNDARIES);
}
