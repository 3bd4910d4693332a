/**
 * Renders completion plans (one per choice, `n` of them) as OpenAI's JSON `chat.completion` or as its
 * `chat.completion.chunk` stream.
 */
import { hashString, type Rng } from '../../core/hash.js';
import type { PacedEvent } from '../../sse/body.js';
import { jsonPieces } from './json-pieces.js';
import type { CompletionPlan } from './plan-completion.js';
import { createdTokens, NO_CACHE } from '../../core/cache/prompt-cache.js';

/**
 * The fields OpenAI-compatible answers carry besides the choices: the processing tier (`default`,
 * what OpenAI answers when none was asked for) and a backend fingerprint, `fp_` and ten hex digits,
 * fixed per model as a real backend configuration is. Set on the answer in place: a spread that adds
 * keys to a new object costs ~1 µs (V8 in Node 20).
 */
const SERVICE_TIER = 'default';

/** The last model asked for and its fingerprint: a run asks for the same model again and again. */
let lastFingerprint = { model: '', fingerprint: '' };

function fingerprintOf(model: string): string {
  if (model !== lastFingerprint.model) {
    const hex = (n: number) => n.toString(16).padStart(8, '0');
    lastFingerprint = { model, fingerprint: `fp_${(hex(hashString(model)) + hex(hashString(model, 0x2545f491))).slice(0, 10)}` };
  }
  return lastFingerprint.fingerprint;
}

/**
 * Every token-detail field the openai 6 types declare: what the prompt cache read and wrote (zero when
 * caching did not run), no audio, no predictions.
 */
function usage(choices: readonly CompletionPlan[]) {
  const promptTokens = choices[0]!.promptTokens;
  const cache = choices[0]!.cache ?? NO_CACHE;
  let completionTokens = 0;
  for (const c of choices) completionTokens += c.completionTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cache.read, cache_write_tokens: createdTokens(cache), audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function message(plan: CompletionPlan) {
  const out: Record<string, unknown> = { role: 'assistant', content: plan.content, refusal: null };
  if (plan.toolCalls.length) out.tool_calls = plan.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  return out;
}

/**
 * `created` is the current time (real APIs stamp it), so it is passed in rather than planned. All
 * choices share the first one's id, model and prompt.
 */
export function toChatCompletion(choices: readonly CompletionPlan[], created: number) {
  const first = choices[0]!;
  return {
    id: first.id,
    object: 'chat.completion',
    created,
    model: first.model,
    choices: choices.map((plan, index) => ({ index, message: message(plan), logprobs: null, finish_reason: plan.finishReason })),
    usage: usage(choices),
    service_tier: SERVICE_TIER,
    system_fingerprint: fingerprintOf(first.model),
  };
}

export interface ChunkOptions {
  created: number;
  /** `stream_options.include_usage`: a last chunk with empty `choices` and the usage. */
  includeUsage: boolean;
}

/**
 * The chunk sequence, produced lazily so each chunk reaches the socket as it is made. With several
 * choices the chunks take turns, one per choice, as OpenAI's recorded `n` > 1 streams do.
 */
export function* toChunks(choices: readonly CompletionPlan[], { created, includeUsage }: ChunkOptions, rng: Rng): Generator<PacedEvent> {
  const first = choices[0]!;
  // Every chunk repeats the same head, and the choices are most of what changes: each chunk's data is
  // written as text around its choice (the same bytes as stringifying the whole chunk, a fraction of
  // the time). The document's choice: with include_usage every other chunk says `usage: null`.
  const head =
    `{"id":${JSON.stringify(first.id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(first.model)},` +
    `"service_tier":"${SERVICE_TIER}","system_fingerprint":${JSON.stringify(fingerprintOf(first.model))}`;
  const chunk = (choicesJson: string, usageJson = 'null') => `${head},"choices":[${choicesJson}]${includeUsage ? `,"usage":${usageJson}` : ''}}`;
  const streams = choices.map((plan, index) => choiceDeltas(plan, index, rng));
  for (let live = streams.length; live > 0; ) {
    live = 0;
    for (const deltas of streams) {
      const next = deltas.next();
      if (next.done) continue;
      live++;
      const { delta, finishReason, tokens, index } = next.value;
      const deltaJson = typeof delta === 'string' ? `{"content":${JSON.stringify(delta)}}` : JSON.stringify(delta);
      yield { data: chunk(`{"index":${index},"delta":${deltaJson},"logprobs":null,"finish_reason":${JSON.stringify(finishReason)}}`), tokens };
    }
  }
  if (includeUsage) yield { data: chunk('', JSON.stringify(usage(choices))) };
}

interface ChoiceDelta {
  index: number;
  /** The delta, or the text of a `{ content }` delta (the frequent one, written from a template). */
  delta: Record<string, unknown> | string;
  finishReason: string | null;
  tokens?: number;
}

/** One choice's deltas: the role, its text, its tool calls in fragments, then its finish reason. */
function* choiceDeltas(plan: CompletionPlan, index: number, rng: Rng): Generator<ChoiceDelta> {
  // OpenAI opens with `content: ""` when text follows and `content: null` when only tool calls do.
  yield { index, delta: { role: 'assistant', content: plan.content === null ? null : '' }, finishReason: null };
  for (let i = 0; i < plan.pieces.length; ) {
    const n = Math.min(rng.int(1, 3), plan.pieces.length - i);
    yield { index, delta: plan.pieces.slice(i, i + n).join(''), finishReason: null, tokens: n };
    i += n;
  }
  for (const [callIndex, call] of plan.toolCalls.entries()) {
    yield { index, delta: { tool_calls: [{ index: callIndex, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }, finishReason: null };
    const fragments = jsonPieces(call.arguments);
    for (const args of fragments) {
      yield { index, delta: { tool_calls: [{ index: callIndex, function: { arguments: args } }] }, finishReason: null, tokens: call.tokens / fragments.length };
    }
  }
  yield { index, delta: {}, finishReason: plan.finishReason };
}
