/** Renders result plans as Runware's result items (`TextInferenceResult`) and stream chunks. */
import type { Rng } from '../../core/hash.js';
import type { PacedEvent } from '../../sse/body.js';
import { costOf as priced, usage, type Prices, type Usage } from '../../core/usage.js';
import type { ResultPlan } from './plan-result.js';
import { createdTokens } from '../../core/cache/prompt-cache.js';

type Obj = Record<string, unknown>;

/** What a result says besides its plan: which task, which of its results, and what the task asked for. */
export interface ResultLabel {
  taskUUID: string;
  /** Present when the task asked for more than one result. */
  resultIndex?: number;
  /** Present when the task set `seed`. */
  seed?: number;
  includeUsage: boolean;
  includeCost: boolean;
  /** USD per token, from the document's `x-standin-prices`. */
  prices: Prices;
}

export function usageOf(plan: ResultPlan): Obj {
  const usage: Obj = {
    promptTokens: plan.promptTokens,
    completionTokens: plan.completionTokens,
    totalTokens: plan.promptTokens + plan.completionTokens,
  };
  if (plan.reasoning.length > 0) {
    usage.thinkingTokens = plan.thinkingTokens;
    usage.completionTokensDetails = { reasoningTokens: plan.thinkingTokens };
  }
  if (plan.cache) usage.promptTokensDetails = { cachedTokens: plan.cache.read, cacheWriteTokens: createdTokens(plan.cache) };
  return usage;
}

/** A result's usage in neutral terms (rate limits, credits): cached tokens are not billed as input. */
export function planUsage(plan: ResultPlan): Usage {
  const cache = plan.cache;
  if (!cache) return usage(plan.promptTokens, plan.completionTokens);
  const written = createdTokens(cache);
  return usage(plan.promptTokens - cache.read - written, plan.completionTokens, {
    cacheReadInputTokens: cache.read,
    cacheWriteInputTokens: written,
    cacheWrite1hInputTokens: cache.created1h,
  });
}

/** What a result costs at the document's prices: the same function credits are charged with. */
export function costOf(plan: ResultPlan, prices: Prices): number {
  return priced(planUsage(plan), prices);
}

/**
 * What closes a result, shared by the JSON item and the final stream chunk, added to `out` in place:
 * spreading objects into new ones cost ~1 µs per spread that adds keys (V8 in Node 20).
 */
function addClosing(out: Obj, plan: ResultPlan): void {
  out.finishReason = plan.finishReason;
  if (plan.toolCalls.length > 0) out.toolCalls = plan.toolCalls;
}

function addAccounting(out: Obj, plan: ResultPlan, label: ResultLabel): void {
  if (label.includeUsage) out.usage = usageOf(plan);
  if (label.includeCost) out.cost = costOf(plan, label.prices);
}

export function toResultItem(plan: ResultPlan, label: ResultLabel): Obj {
  const item: Obj = {
    taskType: 'textInference',
    taskUUID: label.taskUUID,
    status: 'success',
    text: plan.pieces.join(''),
  };
  addClosing(item, plan);
  if (plan.reasoning.length > 0) item.reasoningContent = [plan.reasoning.join('')];
  if (label.seed !== undefined) item.seed = label.seed;
  if (label.resultIndex !== undefined) item.resultIndex = label.resultIndex;
  addAccounting(item, plan, label);
  return item;
}

/**
 * The chunks of one result: reasoning deltas, text deltas, then the final chunk with `taskType` and the
 * whole text (the `TextInferenceStreamFinal` note). Tool calls arrive whole in the final chunk.
 */
export function* toStreamChunks(plan: ResultPlan, label: ResultLabel, rng: Rng): Generator<PacedEvent> {
  const head: Obj = { taskUUID: label.taskUUID };
  if (label.resultIndex !== undefined) head.resultIndex = label.resultIndex;
  // Deltas are written as text around the head (the same bytes as stringifying each, a fraction of the time).
  const open = JSON.stringify(head).slice(0, -1);
  for (const [field, pieces] of [
    ['reasoningContent', plan.reasoning],
    ['text', plan.pieces],
  ] as const) {
    for (let i = 0; i < pieces.length; ) {
      const n = Math.min(rng.int(1, 3), pieces.length - i);
      yield { data: `${open},"delta":{"${field}":${JSON.stringify(pieces.slice(i, i + n).join(''))}}}`, tokens: n };
      i += n;
    }
  }
  const toolTokens = plan.completionTokens - plan.reasoning.length - plan.pieces.length;
  const last: Obj = { taskUUID: label.taskUUID };
  if (label.resultIndex !== undefined) last.resultIndex = label.resultIndex;
  last.taskType = 'textInference';
  last.text = plan.pieces.join('');
  addClosing(last, plan);
  addAccounting(last, plan, label);
  yield { data: last, tokens: toolTokens || undefined };
}
