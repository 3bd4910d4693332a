/**
 * Where an Anthropic Messages request asks for caching: every block carrying `cache_control` (tools,
 * system blocks, message content blocks), and the top-level `cache_control` that puts a breakpoint on
 * the last block. The prompt is read in Anthropic's cache order, tools → system → messages, counting
 * tokens exactly as `countInputTokens` does, so the cached and uncached parts add up to the same total.
 */
import { PrefixHasher, type CachePoint, type CacheTtl } from '../../core/cache/prompt-cache.js';
import { MESSAGE_OVERHEAD, jsonTokens, textTokens } from '../../synth/tokens.js';
import { blockTokens } from './input-tokens.js';

type Block = Record<string, unknown>;

/** Anthropic refuses more breakpoints than this in one request. */
export const MAX_BREAKPOINTS = 4;

export type CachePlan = { ok: true; points: CachePoint[] } | { ok: false; message: string; param: string };

/** Cheap test for the common case: no `cache_control` anywhere in the body text, nothing to do. */
export function mayAskForCache(bodyText: string): boolean {
  return bodyText.includes('cache_control');
}

export function cachePoints(body: Block): CachePlan {
  const points: CachePoint[] = [];
  const hasher = new PrefixHasher();
  let tokens = 3;
  let marked = 0;
  // The last block seen, for the top-level (automatic) breakpoint.
  let lastEnd: { tokens: number; hash: string } | undefined;
  const visit = (block: Block, blockTokenCount: number) => {
    const { cache_control: control, ...content } = block;
    hasher.add(JSON.stringify(content));
    tokens += blockTokenCount;
    lastEnd = { tokens, hash: hasher.value };
    const ttl = ttlOf(control);
    if (ttl) {
      marked++;
      points.push({ prefixHash: hasher.value, tokens, ttl });
    }
  };

  for (const tool of (body.tools ?? []) as Block[]) visit(tool, jsonTokens(tool));
  const system = body.system;
  if (typeof system === 'string') {
    hasher.add(system);
    tokens += textTokens(system);
  } else if (Array.isArray(system)) {
    for (const block of system as Block[]) visit(block, blockTokens(block));
  }
  for (const message of (body.messages ?? []) as Block[]) {
    hasher.add(String(message.role));
    tokens += MESSAGE_OVERHEAD;
    const content = message.content;
    if (typeof content === 'string') {
      hasher.add(content);
      tokens += textTokens(content);
      lastEnd = { tokens, hash: hasher.value };
    } else if (Array.isArray(content)) {
      for (const block of content as Block[]) visit(block, blockTokens(block));
    }
  }
  const automatic = ttlOf(body.cache_control);
  if (automatic && lastEnd) {
    marked++;
    if (!points.some((p) => p.prefixHash === lastEnd!.hash)) points.push({ prefixHash: lastEnd.hash, tokens: lastEnd.tokens, ttl: automatic });
  }
  if (marked > MAX_BREAKPOINTS) {
    return { ok: false, message: `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${marked}.`, param: 'cache_control' };
  }
  return { ok: true, points };
}

function ttlOf(control: unknown): CacheTtl | undefined {
  if (typeof control !== 'object' || control === null) return undefined;
  return (control as Block).ttl === '1h' ? '1h' : '5m';
}
