/**
 * Runware's `settings.cache` (TextInferenceSettings): `scope: system` caches the prefix up to the system
 * prompt; `system+history` (the default) also the conversation before the last user turn; `ttl` 5m (the
 * default) or 1h. The prefix is read as Claude reads it, tools → system → messages, counting tokens as
 * `countPromptTokens` does; the last user turn and the task's inputs stay outside the cache. The end of
 * the system prompt and of each earlier message are the boundaries Claude looks back over from a point
 * (the document's `lookback-blocks`), so a conversation's growing history finds the previous turn's entry.
 */
import { PrefixHasher, type CachePoint, type CacheTtl, type PromptBoundary } from '../../core/cache/prompt-cache.js';
import { MESSAGE_OVERHEAD, jsonTokens, textTokens } from '../../synth/tokens.js';

type Obj = Record<string, unknown>;

export function taskCachePoints(task: Obj): { points: CachePoint[]; boundaries: PromptBoundary[] } {
  const settings = (task.settings ?? {}) as Obj;
  const cache = (settings.cache ?? {}) as Obj;
  const ttl: CacheTtl = cache.ttl === '1h' ? '1h' : '5m';
  const hasher = new PrefixHasher();
  let tokens = 3;
  hasher.add(String(task.model));
  for (const tool of (task.tools ?? []) as Obj[]) {
    hasher.add(JSON.stringify(tool));
    tokens += jsonTokens(tool);
  }
  if (typeof settings.systemPrompt === 'string') {
    hasher.add(settings.systemPrompt);
    tokens += textTokens(settings.systemPrompt);
  }
  const boundaries: PromptBoundary[] = [{ prefixHash: hasher.value, tokens }];
  const points: CachePoint[] = [{ prefixHash: hasher.value, tokens, ttl, block: 0 }];
  if (cache.scope === 'system') return { points, boundaries };
  const messages = (task.messages ?? []) as Obj[];
  const lastUser = messages.findLastIndex((m) => m.role === 'user');
  for (let i = 0; i < lastUser; i++) {
    hasher.add(`${String(messages[i]!.role)}\u0000${String(messages[i]!.content ?? '')}`);
    tokens += MESSAGE_OVERHEAD + textTokens(String(messages[i]!.content ?? ''));
    boundaries.push({ prefixHash: hasher.value, tokens });
  }
  if (lastUser > 0) points.push({ prefixHash: hasher.value, tokens, ttl, block: boundaries.length - 1 });
  return { points, boundaries };
}
