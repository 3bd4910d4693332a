/** Renders a completion plan as OpenAI's JSON `chat.completion` or as its `chat.completion.chunk` stream. */
import type { Rng } from '../../core/hash.js';
import type { PacedEvent } from '../../sse/stream.js';
import { jsonPieces } from './json-pieces.js';
import type { CompletionPlan } from './plan-completion.js';

function usage(plan: CompletionPlan) {
  return {
    prompt_tokens: plan.promptTokens,
    completion_tokens: plan.completionTokens,
    total_tokens: plan.promptTokens + plan.completionTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

function message(plan: CompletionPlan) {
  const toolCalls = plan.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  return { role: 'assistant', content: plan.content, refusal: null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) };
}

/** `created` is the current time (real APIs stamp it), so it is passed in rather than planned. */
export function toChatCompletion(plan: CompletionPlan, created: number) {
  return {
    id: plan.id,
    object: 'chat.completion',
    created,
    model: plan.model,
    choices: [{ index: 0, message: message(plan), logprobs: null, finish_reason: plan.finishReason }],
    usage: usage(plan),
  };
}

export interface ChunkOptions {
  created: number;
  /** `stream_options.include_usage`: a last chunk with empty `choices` and the usage. */
  includeUsage: boolean;
}

/** The chunk sequence, produced lazily so each chunk reaches the socket as it is made. */
export function* toChunks(plan: CompletionPlan, { created, includeUsage }: ChunkOptions, rng: Rng): Generator<PacedEvent> {
  // The document's choice: with include_usage every other chunk says `usage: null`; without, no field.
  const chunk = (choices: unknown[], usageValue: unknown = null) => ({
    id: plan.id,
    object: 'chat.completion.chunk',
    created,
    model: plan.model,
    choices,
    ...(includeUsage ? { usage: usageValue } : {}),
  });
  const delta = (d: Record<string, unknown>, finishReason: string | null = null) => chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finishReason }]);

  // OpenAI opens with `content: ""` when text follows and `content: null` when only tool calls do.
  yield { data: delta({ role: 'assistant', content: plan.content === null ? null : '' }) };
  for (let i = 0; i < plan.pieces.length; ) {
    const n = Math.min(rng.int(1, 3), plan.pieces.length - i);
    yield { data: delta({ content: plan.pieces.slice(i, i + n).join('') }), tokens: n };
    i += n;
  }
  for (const [index, call] of plan.toolCalls.entries()) {
    yield { data: delta({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }) };
    const fragments = jsonPieces(call.arguments);
    for (const args of fragments) {
      yield { data: delta({ tool_calls: [{ index, function: { arguments: args } }] }), tokens: call.tokens / fragments.length };
    }
  }
  yield { data: delta({}, plan.finishReason) };
  if (includeUsage) yield { data: chunk([], usage(plan)) };
}
