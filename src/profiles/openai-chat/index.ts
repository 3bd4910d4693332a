/**
 * The OpenAI Chat Completions protocol (AIgateway): what a document cannot say about it, namely how
 * answers are synthesised, how ids look and where the error message goes.
 */
import { createRng } from '../../core/hash.js';
import type { OperationContext, OperationResult, Profile } from '../../core/types.js';
import { checkBeforeSchema, checkRequest } from './check-request.js';
import { outputCap } from './output-cap.js';
import { planCompletion } from './plan-completion.js';
import { toChatCompletion, toChunks } from './render-completion.js';
import { requestId } from './request-id.js';

type Obj = Record<string, unknown>;

const BODY_SCHEMA = '/requestBody/content/application~1json/schema';

/** What the engine does for other operations (schema, then model), with the cross-field rules first. */
function rejectBody(ctx: OperationContext): OperationResult | undefined {
  const early = checkBeforeSchema(ctx.body);
  if (early) return { kind: 'error', trigger: 'invalid-request', ...early };
  const invalid = ctx.validate(`${ctx.operation.pointer}${BODY_SCHEMA}`, ctx.body);
  if (invalid) return { kind: 'error', trigger: 'invalid-request', ...invalid };
  const model = String((ctx.body as Obj).model);
  if (ctx.provider.models.length > 0 && !ctx.provider.models.includes(model)) {
    return { kind: 'error', trigger: 'unknown-model', message: `model: The model '${model}' does not exist`, param: 'model' };
  }
  const problem = checkRequest(ctx.body as Obj);
  return problem ? { kind: 'error', trigger: 'invalid-request', ...problem } : undefined;
}

function createChatCompletion(ctx: OperationContext): OperationResult {
  const rejected = rejectBody(ctx);
  if (rejected) return rejected;
  const body = ctx.body as Obj;
  const plan = planCompletion(body, ctx.rng, outputCap(ctx.provider, ctx.operation));
  const created = Math.floor(Date.now() / 1000);
  if (body.stream !== true) return { kind: 'json', body: toChatCompletion(plan, created) };
  const includeUsage = (body.stream_options as Obj | null | undefined)?.include_usage === true;
  // Chunking draws from its own generator so it never changes the plan.
  return { kind: 'stream', events: toChunks(plan, { created, includeUsage }, createRng(ctx.seed ^ 0x2f6b3a1d)) };
}

export const openaiChat: Profile = {
  name: 'openai-chat',
  operations: {
    createChatCompletion,
    listModels: (ctx) => ({ kind: 'json', body: ctx.operation.example ?? { object: 'list', data: [] } }),
  },
  requestId,
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
  // Validated in rejectBody, so the rules whose schema message names the wrong field can go first.
  validatesOwnBody: ['createChatCompletion'],
  modelOf: (body) => (typeof (body as Obj | undefined)?.model === 'string' ? ((body as Obj).model as string) : undefined),
};
