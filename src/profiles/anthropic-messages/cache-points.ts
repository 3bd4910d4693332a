/**
 * Where an Anthropic Messages request asks for caching: every block carrying `cache_control` (tools,
 * system blocks, message content blocks), and the top-level `cache_control` that puts a breakpoint on
 * the last block. The prompt is read in Anthropic's cache order, tools → system → messages, counting
 * tokens exactly as `countInputTokens` does, so the cached and uncached parts add up to the same total.
 */
import { PrefixHasher, ttlOutOfOrder, type CachePoint, type CacheTtl, type PromptBoundary, type PromptCacheSpec } from '../../core/cache/prompt-cache.js';
import { MESSAGE_OVERHEAD, jsonTokens, textTokens } from '../../synth/tokens.js';
import { blockTokens } from './input-tokens.js';

type Block = Record<string, unknown>;

/** Blocks the top-level breakpoint walks back past: thinking cannot be marked for caching (Anthropic's guide, "What cannot be cached"). */
const UNTARGETED = new Set(['thinking', 'redacted_thinking']);

/** Anthropic refuses more breakpoints than this in one request. */
export const MAX_BREAKPOINTS = 4;

export type CachePlan = { ok: true; points: CachePoint[]; boundaries: PromptBoundary[] } | { ok: false; message: string; param: string };

/** Cheap test for the common case: no `cache_control` anywhere in the body text, nothing to do. */
export function mayAskForCache(bodyText: string): boolean {
  return bodyText.includes('cache_control');
}

/**
 * The request's breakpoints, and the end of every content block (a tool, a system block, a message's
 * block; a string is one block), which the engine looks back over from each breakpoint.
 */
export function cachePoints(body: Block, spec: PromptCacheSpec): CachePlan {
  const points: CachePoint[] = [];
  const boundaries: PromptBoundary[] = [];
  // Where each breakpoint sits, for the error that names one.
  const paths: string[] = [];
  // Per boundary: its block's path, its own breakpoint's TTL, and whether the top-level breakpoint may land on it.
  const blocks: { path: string; ttl?: CacheTtl; target: boolean }[] = [];
  const hasher = new PrefixHasher();
  let tokens = 3;
  let marked = 0;
  const end = (path: string, target = true, ttl?: CacheTtl) => {
    boundaries.push({ prefixHash: hasher.value, tokens });
    blocks.push(ttl ? { path, ttl, target } : { path, target });
  };
  const visit = (block: Block, blockTokenCount: number, path: string) => {
    const { cache_control: control, ...content } = block;
    hasher.add(JSON.stringify(content));
    tokens += blockTokenCount;
    const ttl = ttlOf(control);
    end(path, !UNTARGETED.has(block.type as string), ttl);
    if (ttl) {
      marked++;
      points.push({ prefixHash: hasher.value, tokens, ttl, block: boundaries.length - 1 });
      paths.push(`${path}.cache_control.ttl`);
    }
  };

  ((body.tools ?? []) as Block[]).forEach((tool, i) => visit(tool, jsonTokens(tool), `tools.${i}`));
  const system = body.system;
  if (typeof system === 'string') {
    hasher.add(system);
    tokens += textTokens(system);
    end('system');
  } else if (Array.isArray(system)) {
    (system as Block[]).forEach((block, i) => visit(block, blockTokens(block), `system.${i}`));
  }
  ((body.messages ?? []) as Block[]).forEach((message, m) => {
    hasher.add(String(message.role));
    tokens += MESSAGE_OVERHEAD;
    const content = message.content;
    if (typeof content === 'string') {
      hasher.add(content);
      tokens += textTokens(content);
      end(`messages.${m}.content`);
    } else if (Array.isArray(content)) {
      (content as Block[]).forEach((block, i) => visit(block, blockTokens(block), `messages.${m}.content.${i}`));
    }
  });
  // The top-level (automatic) breakpoint goes on the last block that can carry one. Anthropic's guide,
  // "Automatic caching", edge cases: a last block already marked with the same TTL makes it a no-op, a
  // different TTL is a 400, and a block that is "not eligible" is walked back past.
  const automatic = ttlOf(body.cache_control);
  if (automatic) {
    let target = blocks.length - 1;
    while (target >= 0 && !blocks[target]!.target) target--;
    const explicit = blocks[target]?.ttl;
    if (explicit && explicit !== automatic) {
      const at = blocks[target]!.path;
      return { ok: false, message: `cache_control.ttl: the top-level cache_control (ttl='${automatic}') falls on ${at}, which already has a cache_control with ttl='${explicit}'; the two must agree.`, param: 'cache_control' };
    }
    if (target >= 0 && !explicit) {
      marked++;
      points.push({ prefixHash: boundaries[target]!.prefixHash, tokens: boundaries[target]!.tokens, ttl: automatic, block: target });
      paths.push('cache_control.ttl');
    }
  }
  if (marked > MAX_BREAKPOINTS) {
    return { ok: false, message: `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${marked}.`, param: 'cache_control' };
  }
  const late = ttlOutOfOrder(spec, points.map((p) => p.ttl));
  if (late >= 0) {
    // The API's own words, as it answered in a 400 quoted at github.com/cnighswonger/claude-code-cache-fix/issues/44.
    const message = `${paths[late]}: a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are processed in the following order: \`tools\`, \`system\`, \`messages\`.`;
    return { ok: false, message, param: paths[late]! };
  }
  return { ok: true, points, boundaries };
}

function ttlOf(control: unknown): CacheTtl | undefined {
  if (typeof control !== 'object' || control === null) return undefined;
  return (control as Block).ttl === '1h' ? '1h' : '5m';
}
