/**
 * The OpenAI Chat Completions protocol (AIgateway): what a document cannot say about it, namely how
 * answers are synthesised, how ids look and where the error message goes.
 */
import { createRng, randomHex } from '../../core/hash.js';
import type { OperationContext, OperationResult, Profile } from '../../core/types.js';
import { applyPromptCache, promptCacheSpec } from '../../core/cache/prompt-cache.js';
import { automaticCachePoints } from './cache-points.js';
import { checkBeforeSchema, checkRequest } from './check-request.js';
import { outputCap } from './output-cap.js';
import { planChoices } from './plan-completion.js';
import { toChatCompletion, toChunks } from './render-completion.js';
import { renderAnswer, lastUserTurn } from './render-answer.js';
import { usageOfCompletion } from './usage.js';

type Obj = Record<string, unknown>;

async function createChatCompletion(ctx: OperationContext): Promise<OperationResult> {
  // The engine has checked the cross-field rules, the schema and the model; these rules need both.
  const problem = checkRequest(ctx.body as Obj);
  if (problem) return { kind: 'error', trigger: 'invalid-request', ...problem };
  const body = ctx.body as Obj;
  const choices = planChoices(body, ctx.rng, outputCap(ctx.provider, ctx.operation));
  // Automatic caching: only a prompt at least the minimum long can have a cacheable prefix, so shorter
  // ones (most requests) never reach the state store.
  const spec = promptCacheSpec(ctx.provider);
  if (spec && choices[0]!.promptTokens >= spec.minPrefixTokens) {
    choices[0]!.cache = await applyPromptCache(ctx, automaticCachePoints(body, spec.minPrefixTokens));
  }
  const created = Math.floor((await ctx.clock.now()) / 1000);
  const stream = body.stream === true;
  const headerValues = { 'processing-ms': String(processingMs(ctx, stream ? 0 : choices.reduce((n, c) => n + c.completionTokens, 0))) };
  if (!stream) return { kind: 'json', body: toChatCompletion(choices, created), headerValues };
  const includeUsage = (body.stream_options as Obj | null | undefined)?.include_usage === true;
  // Chunking draws from its own generator so it never changes the plan.
  return {
    kind: 'stream',
    events: toChunks(choices, { created, includeUsage }, createRng(ctx.seed ^ 0x2f6b3a1d)),
    headerValues,
    // What the completion would report, whether or not the client asked for the usage chunk.
    usage: () => usageOfCompletion(toChatCompletion(choices, created)),
  };
}

/**
 * `openai-processing-ms`: the time standin's pacing gives the answer before its headers would go out
 * from a real server: the time to first token, and for a JSON answer the generation of every token.
 */
function processingMs(ctx: OperationContext, generatedTokens: number): number {
  const ttft = ctx.prefer.ttftMs ?? ctx.options.ttftMs;
  const tps = ctx.prefer.tokensPerSecond ?? ctx.options.tokensPerSecond;
  return Math.round(ttft + (tps > 0 ? (generatedTokens * 1000) / tps : 0));
}

export const openaiChat: Profile = {
  name: 'openai-chat',
  renderAnswer,
  lastUserTurn,
  operations: {
    createChatCompletion,
    listModels: (ctx) => ({ kind: 'json', body: ctx.operation.example ?? { object: 'list', data: [] } }),
  },
  // The form the document's example shows: `req_` and 32 hex digits.
  requestId: () => `req_${randomHex(32)}`,
  errorBody(template, { message, param, type }) {
    const body = structuredClone(template) as Obj;
    const error = { ...((body.error ?? {}) as Obj) };
    if (message !== undefined) {
      error.message = message;
      // The template's param belongs to its example message; a real error names its own field, or none.
      error.param = param ?? null;
    }
    if (type !== undefined) error.type = type;
    body.error = error;
    return body;
  },
  errorTypeOf: (template) => ((template as Obj | undefined)?.error as Obj | undefined)?.type as string | undefined,
  // OpenAI streams have no event names: an error is a data line holding the error envelope.
  streamErrorEvent: (body) => ({ data: { error: (body as Obj).error } }),
  // Rules whose schema message would name the wrong field go first.
  checkBeforeSchema: (operationId, body) => (operationId === 'createChatCompletion' ? checkBeforeSchema(body) : undefined),
  unknownModelMessage: (model) => `model: The model '${model}' does not exist`,
  usageOf: usageOfCompletion,
  wantsStream: (_operationId, body) => (body as Obj | undefined)?.stream === true,
  modelOf: (body) => (typeof (body as Obj | undefined)?.model === 'string' ? ((body as Obj).model as string) : undefined),
};
