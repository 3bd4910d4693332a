/**
 * What an answer used, in neutral terms, so state steps (rate limits, credits) account for it whatever
 * the wire format: Anthropic's `usage`, OpenAI's `usage`, Runware's `usage`/`cost` all map to this.
 */

export interface Usage {
  /** Input tokens billed at the full rate (neither read from nor written to a prompt cache). */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from a prompt cache. */
  cacheReadInputTokens: number;
  /** Input tokens written to a prompt cache, every TTL together. */
  cacheWriteInputTokens: number;
  /** Of `cacheWriteInputTokens`, those written with the 1-hour TTL (billed at their own rate). */
  cacheWrite1hInputTokens: number;
}

/** USD per token for each kind of token, from the document's `x-standin-prices` (per million there). */
export interface Prices {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  cacheWrite1h: number;
}

export function usage(inputTokens: number, outputTokens: number, cache: Partial<Omit<Usage, 'inputTokens' | 'outputTokens'>> = {}): Usage {
  return {
    inputTokens,
    outputTokens,
    cacheReadInputTokens: cache.cacheReadInputTokens ?? 0,
    cacheWriteInputTokens: cache.cacheWriteInputTokens ?? 0,
    cacheWrite1hInputTokens: cache.cacheWrite1hInputTokens ?? 0,
  };
}

/** Every input token the request carried, cached or not (what an input-token rate limit counts). */
export function totalInputTokens(u: Usage): number {
  return u.inputTokens + u.cacheReadInputTokens + u.cacheWriteInputTokens;
}

/**
 * What an answer costs in USD at the document's prices, rounded to a nano-dollar so float noise never
 * shows. The one cost function: credits, ByteSpike's estimate and Runware's `cost` all use it.
 */
export function costOf(u: Usage, prices: Prices): number {
  const write5m = u.cacheWriteInputTokens - u.cacheWrite1hInputTokens;
  const cost =
    u.inputTokens * prices.input +
    u.outputTokens * prices.output +
    u.cacheReadInputTokens * prices.cacheRead +
    write5m * prices.cacheWrite +
    u.cacheWrite1hInputTokens * prices.cacheWrite1h;
  return Number(cost.toFixed(9));
}

/** Sums usages (a Runware request running several tasks). */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadInputTokens: a.cacheReadInputTokens + b.cacheReadInputTokens,
    cacheWriteInputTokens: a.cacheWriteInputTokens + b.cacheWriteInputTokens,
    cacheWrite1hInputTokens: a.cacheWrite1hInputTokens + b.cacheWrite1hInputTokens,
  };
}
