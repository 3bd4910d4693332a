/**
 * The rate-limit source. Asked before fixtures and synthesis, it refuses a request with the
 * provider's documented 429 when an enforced budget is spent; at the settle step it counts what was
 * answered (the request, its input and output tokens, its cost) and answers the values of the
 * documented rate-limit headers, so every answer shows its key's real limit, remaining and reset.
 *
 * With nothing enforced, `choose` touches nothing, and a provider whose answers show no rate-limit
 * header is not counted at all.
 */
import { renderError } from '../errors.js';
import { NOW_VALUE } from '../headers.js';
import type { OutcomeSource, Settled } from '../outcome/types.js';
import type { HeaderValues, OperationContext, ProviderRuntime, RateLimitBucket } from '../types.js';
import { costOf, type Usage } from '../usage.js';
import { bucketsFor, SETTABLE, type Bucket, type RateLimitSettings } from './buckets.js';
import { incrementAll } from '../state/store.js';
import { addToBucket, counterKey, createScopeKeyCache, WINDOW_GRACE_MS, windowScope, windowStart, type ScopeKeys, type WindowScope } from './window.js';

export const RATE_LIMIT_SOURCE = 'rate-limit';

interface Use {
  bucket: Bucket;
  used: number;
  start: number;
}

export function createRateLimitSource(settings: RateLimitSettings = {}): OutcomeSource {
  const byProvider = new WeakMap<ProviderRuntime, Bucket[]>();
  const enforcing = SETTABLE.some((name) => settings[name] !== undefined);
  /** What `choose` learnt about a request it let through: its clock reading, and that it counted it. */
  const admitted = new WeakMap<OperationContext, WindowScope>();
  const keysOf = createScopeKeyCache();

  function bucketsOf(provider: ProviderRuntime): Bucket[] {
    let buckets = byProvider.get(provider);
    if (!buckets) byProvider.set(provider, (buckets = bucketsFor(provider, settings)));
    return buckets;
  }

  return {
    name: RATE_LIMIT_SOURCE,
    choose(ctx) {
      if (!enforcing) return undefined;
      const buckets = bucketsOf(ctx.provider);
      return buckets.some((b) => b.enforced) ? admit(ctx, keysOf(ctx), buckets, admitted) : undefined;
    },
    settle(ctx, settled) {
      // Our own 429 already carries its values; it used nothing.
      if (settled.source === RATE_LIMIT_SOURCE) return undefined;
      const buckets = bucketsOf(ctx.provider);
      return buckets.length === 0 ? undefined : count(ctx, keysOf(ctx), buckets, settled, admitted.get(ctx));
    },
  };
}

/**
 * Refuses the request when an enforced budget is spent. The request budget is taken here with an
 * atomic increment (and given back on refusal), so parallel requests cannot overrun it; token budgets
 * are refused once spent, as a request's output is only known after it is answered.
 */
async function admit(ctx: OperationContext, keys: ScopeKeys, buckets: Bucket[], admitted: WeakMap<OperationContext, WindowScope>) {
  const scope = windowScope(ctx, keys, await ctx.clock.now());
  const uses: Use[] = [];
  let spent: Use | undefined;
  let taken: Use | undefined;
  for (const bucket of buckets) {
    const start = await windowStart(scope, bucket.windowMs);
    const take = bucket.enforced && bucket.name === 'requests' && !spent;
    const parts = bucket.name === 'tokens' && derivesTokens(buckets) ? tokenParts(uses, start) : undefined;
    const used = parts ?? (await addToBucket(scope, bucket.name, start, bucket.windowMs, take ? 1 : 0));
    const use = { bucket, used, start };
    uses.push(use);
    if (take) taken = use;
    if (bucket.enforced && !spent && (take ? used > bucket.limit : used >= bucket.limit)) spent = use;
  }
  if (!spent) {
    admitted.set(ctx, scope);
    return undefined;
  }
  // A refused request uses nothing: give back the request taken.
  if (taken) taken.used = await addToBucket(scope, 'requests', taken.start, taken.bucket.windowMs, -1);
  const reset = spent.start + spent.bucket.windowMs;
  const values = headerValues(uses, scope.now);
  values[spent.bucket.values.remaining] = '0';
  const retryAfter = Math.max(1, Math.ceil((reset - scope.now) / 1000));
  ctx.trace.outcome = { source: RATE_LIMIT_SOURCE, detail: `${spent.bucket.name}: ${spent.bucket.limit} per ${spent.bucket.windowMs / 1000} s spent` };
  return { reply: renderError(ctx.provider, ctx.operation, 429, { requestId: ctx.requestId, retryAfter, values }) };
}

async function count(ctx: OperationContext, keys: ScopeKeys, buckets: Bucket[], settled: Settled, scope: WindowScope | undefined): Promise<HeaderValues> {
  // `admit` took the request already when it enforces a request budget.
  const requestCounted = scope !== undefined && buckets.some((b) => b.enforced && b.name === 'requests');
  scope ??= windowScope(ctx, keys, await ctx.clock.now());
  const uses: Use[] = [];
  const counted: Use[] = [];
  const increments: [string, number][] = [];
  let longest = 0;
  for (const bucket of buckets) {
    const known = windowStart(scope, bucket.windowMs);
    const start = typeof known === 'number' ? known : await known;
    const use = { bucket, start, used: 0 };
    uses.push(use);
    // Input and output counted in the same window make the `tokens` budget without a counter of its own.
    if (bucket.name === 'tokens' && derivesTokens(buckets)) continue;
    counted.push(use);
    increments.push([counterKey(scope, bucket.name, start), amount(bucket.name, settled.usage, ctx.provider, requestCounted)]);
    longest = Math.max(longest, bucket.windowMs);
  }
  // Every counter in one store call: one round trip for a shared store.
  const sums = await incrementAll(ctx.store, increments, longest + WINDOW_GRACE_MS);
  counted.forEach((use, i) => (use.used = sums[i]!));
  for (const use of uses) if (use.bucket.name === 'tokens' && !counted.includes(use)) use.used = tokenParts(uses, use.start) ?? 0;
  return headerValues(uses, scope.now);
}

/** Whether input and output budgets with the tokens budget's window are counted beside it. */
function derivesTokens(buckets: Bucket[]): boolean {
  const tokens = buckets.find((b) => b.name === 'tokens');
  const same = (name: RateLimitBucket) => buckets.some((b) => b.name === name && b.windowMs === tokens?.windowMs);
  return tokens !== undefined && same('input-tokens') && same('output-tokens');
}

/** Input plus output tokens used in the window starting at `start`, when both are counted there. */
function tokenParts(uses: Use[], start: number): number | undefined {
  const input = uses.find((u) => u.bucket.name === 'input-tokens' && u.start === start);
  const output = uses.find((u) => u.bucket.name === 'output-tokens' && u.start === start);
  return input && output ? input.used + output.used : undefined;
}

/** What one answer adds to a bucket. Cache reads do not count against input-token limits. */
function amount(bucket: RateLimitBucket, usage: Usage | undefined, provider: ProviderRuntime, requestCounted: boolean): number {
  switch (bucket) {
    case 'requests':
      return requestCounted ? 0 : 1;
    case 'input-tokens':
      return usage ? usage.inputTokens + usage.cacheWriteInputTokens : 0;
    case 'output-tokens':
      return usage?.outputTokens ?? 0;
    case 'tokens':
      return usage ? usage.inputTokens + usage.cacheWriteInputTokens + usage.outputTokens : 0;
    case 'spend':
      return usage ? costOf(usage, provider.prices) : 0;
  }
}

function headerValues(uses: Use[], now: number): HeaderValues {
  const values: HeaderValues = { [NOW_VALUE]: String(now) };
  for (const { bucket, used, start } of uses) {
    const names = bucket.values;
    values[names.limit] = bucket.limitText;
    values[names.remaining] = String(Math.max(0, round(bucket.limit - used)));
    // A budget nothing has used is full now; a used one is full again when its window ends.
    values[names.reset] = String(used > 0 ? start + bucket.windowMs : now);
  }
  return values;
}

/** Spend is in dollars: six decimals keep float noise out of the header. */
const round = (n: number): number => (Number.isInteger(n) ? n : Number(n.toFixed(6)));
