/**
 * The Anthropic Messages protocol (SkillBoss, ByteSpike, Anthropic): what a document cannot say about
 * it, namely how answers are synthesised, how ids look and where the error message goes.
 */
import { BASE58, createRng, randomId } from '../../core/hash.js';
import type { OperationContext, OperationResult, Profile } from '../../core/types.js';
import { answeredModel } from './answered-model.js';
import { countInputTokens } from './input-tokens.js';
import { planMessage, type MessagePlan } from './plan-message.js';
import { applyPromptCache, createdTokens, promptCacheSpec } from '../../core/cache/prompt-cache.js';
import { cachePoints, mayAskForCache } from './cache-points.js';
import { messageJson, toMessage, toStreamEvents } from './render-message.js';
import { renderAnswer, lastUserTurn } from './render-answer.js';
import { costOf } from '../../core/usage.js';
import { planUsage, usageOfMessage } from './usage.js';
import { resolveThread } from './threads.js';

type Body = Record<string, unknown>;

function createMessage(ctx: OperationContext): OperationResult | Promise<OperationResult> {
  const body = ctx.body as Body;
  if (body.thread == null) return planAndAnswer(ctx);
  return resolveThread(ctx, body).then(async (thread) => {
    if (!thread.ok) return thread.result;
    let answered: MessagePlan | undefined;
    const result = await planAndAnswer({ ...ctx, body: thread.body }, (plan) => (answered = plan));
    // The thread keeps what the answer said, under the answer's id (the same plan renders JSON and stream).
    if (answered) await thread.save?.({ id: answered.id, content: toMessage(answered).content });
    return result;
  });
}

/** `keep` sees the plan an answer is rendered from (a thread stores it). */
function planAndAnswer(ctx: OperationContext, keep?: (plan: MessagePlan) => void): OperationResult | Promise<OperationResult> {
  const body = ctx.body as Body;
  const outcome = planMessage(body, ctx.rng);
  if (!outcome.ok) return { kind: 'error', trigger: 'invalid-request', message: outcome.message, param: outcome.param };
  // Only a request that mentions cache_control pays for caching (and touches the state store).
  const spec = promptCacheSpec(ctx.provider);
  if (spec && mayAskForCache(ctx.bodyText)) {
    const asked = cachePoints(body, spec);
    if (!asked.ok) return { kind: 'error', trigger: 'invalid-request', message: asked.message, param: asked.param };
    return applyPromptCache(ctx, asked.points, asked.boundaries).then((cache) => {
      outcome.plan.cache = cache;
      outcome.plan.inputTokens -= cache.read + createdTokens(cache);
      return answer(ctx, outcome.plan, keep);
    });
  }
  return answer(ctx, outcome.plan, keep);
}

function answer(ctx: OperationContext, planned: MessagePlan, keep?: (plan: MessagePlan) => void): OperationResult {
  const body = ctx.body as Body;
  const plan = { ...planned, model: answeredModel(ctx.provider, planned.model) };
  keep?.(plan);
  // The worst-case cost, known before generation starts (ByteSpike sends it ahead of the stream): the
  // input as it is billed (cache reads and writes at their prices) and all of max_tokens, at the
  // prices credits are charged at.
  const used = planUsage(plan);
  const worstCase = costOf({ ...used, outputTokens: Number(body.max_tokens) }, ctx.provider.prices);
  const headerValues = { 'estimated-credits': worstCase.toFixed(6) };
  const usage = () => used;
  if (body.stream !== true) {
    // Written as text, no object: the few readers parse the text (jsonBodyOf).
    return { kind: 'json', body: undefined, jsonText: messageJson(plan), headerValues, usage };
  }
  // Stream chunking draws from its own generator so it never changes the plan.
  return { kind: 'stream', events: toStreamEvents(plan, createRng(ctx.seed ^ 0x5bd1e995)), headerValues, usage };
}

function listModels(ctx: OperationContext): OperationResult {
  const example = (ctx.operation.example ?? { data: [] }) as { data: { id: string }[] };
  const limit = Number(ctx.query.get('limit') ?? 20);
  const after = ctx.query.get('after_id');
  const start = after ? example.data.findIndex((m) => m.id === after) + 1 : 0;
  const data = example.data.slice(start, start + limit);
  return {
    kind: 'json',
    body: { data, has_more: start + limit < example.data.length, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null },
  };
}

function getModel(ctx: OperationContext): OperationResult {
  const id = ctx.pathParams.model_id ?? Object.values(ctx.pathParams)[0];
  const list = ctx.provider.operations.find((o) => o.operationId === 'listModels')?.example as { data: { id: string }[] } | undefined;
  // An alias answers with the snapshot it resolves to, as the real endpoint does.
  const wanted = id === undefined ? undefined : answeredModel(ctx.provider, id);
  const model = list?.data.find((m) => m.id === wanted);
  if (!model) return { kind: 'error', trigger: 'unknown-model', message: `model: ${String(id)}` };
  return { kind: 'json', body: model };
}

export const anthropicMessages: Profile = {
  name: 'anthropic-messages',
  renderAnswer,
  lastUserTurn,
  operations: {
    createMessage,
    countTokens: (ctx) => ({ kind: 'json', body: { input_tokens: countInputTokens(ctx.body as Body) } }),
    listModels,
    getModel,
  },
  requestId: () => randomId('req_011C', 20, BASE58),
  errorBody(template, { message, requestId, type }) {
    const body = structuredClone(template) as Body;
    const error = { ...((body.error ?? {}) as Body) };
    if (message !== undefined) error.message = message;
    if (type !== undefined) error.type = type;
    body.error = error;
    if ('request_id' in body) body.request_id = requestId;
    return body;
  },
  errorTypeOf: (template) => ((template as Body | undefined)?.error as Body | undefined)?.type as string | undefined,
  streamErrorEvent(body) {
    const { error } = body as Body;
    return { event: 'error', data: { type: 'error', error } };
  },
  usageOf: usageOfMessage,
  wantsStream: (_operationId, body) => (body as Body | undefined)?.stream === true,
  modelOf: (body) => (typeof (body as Body | undefined)?.model === 'string' ? ((body as Body).model as string) : undefined),
};
