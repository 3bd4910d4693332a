/** A neutral answer (a hand-written fixture) as a chat completion plan, rendered as JSON or chunks. */
import { finishReasonOf, type Answer } from '../../core/answer.js';
import { createRng, makeId } from '../../core/hash.js';
import type { OperationContext, OperationResult } from '../../core/types.js';
import { jsonTokens, toPieces } from '../../synth/tokens.js';
import { checkRequest } from './check-request.js';
import { textOf, trailingToolResults } from './conversation.js';
import type { CompletionPlan } from './plan-completion.js';
import { countPromptTokens } from './prompt-tokens.js';
import { toChatCompletion, toChunks } from './render-completion.js';
import { usageOfCompletion } from './usage.js';

type Obj = Record<string, unknown>;

export function renderAnswer(ctx: OperationContext, answer: Answer): OperationResult | undefined {
  if (ctx.operation.operationId !== 'createChatCompletion') return undefined;
  const body = ctx.body as Obj;
  const invalid = checkRequest(body);
  if (invalid) return { kind: 'error', trigger: 'invalid-request', ...invalid };
  const pieces = answer.text ? toPieces(answer.text) : [];
  const toolCalls = (answer.toolCalls ?? []).map((call) => ({
    id: makeId(ctx.rng, 'call_', 24),
    name: call.name,
    arguments: JSON.stringify(call.input),
    tokens: jsonTokens(call.input),
  }));
  const plan: CompletionPlan = {
    id: makeId(ctx.rng, 'chatcmpl-', 29),
    model: String(body.model),
    pieces,
    content: pieces.length > 0 || toolCalls.length === 0 ? pieces.join('') : null,
    toolCalls,
    finishReason: finishReasonOf(answer),
    promptTokens: answer.usage?.inputTokens ?? countPromptTokens(body),
    completionTokens: answer.usage?.outputTokens ?? pieces.length + toolCalls.reduce((n, c) => n + c.tokens, 0),
  };
  const created = Math.floor(Date.now() / 1000);
  if (body.stream !== true) return { kind: 'json', body: toChatCompletion([plan], created) };
  const includeUsage = (body.stream_options as Obj | null | undefined)?.include_usage === true;
  return {
    kind: 'stream',
    events: toChunks([plan], { created, includeUsage }, createRng(ctx.seed ^ 0x2f6b3a1d)),
    usage: () => usageOfCompletion(toChatCompletion([plan], created)),
  };
}

/** The last user message with text, whether the conversation ends with tool results, assistant turns so far. */
export function lastUserTurn(body: unknown): { text: string; toolResult: boolean; assistantTurns: number } | undefined {
  const messages = (body as Obj | undefined)?.messages;
  if (!Array.isArray(messages)) return undefined;
  const last = (messages as Obj[]).findLast((m) => m.role === 'user');
  return {
    text: last ? textOf(last.content) : '',
    toolResult: trailingToolResults(messages as Obj[]).length > 0,
    assistantTurns: (messages as Obj[]).filter((m) => m.role === 'assistant').length,
  };
}
