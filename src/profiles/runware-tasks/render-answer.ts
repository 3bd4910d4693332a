/**
 * A neutral answer (a hand-written fixture) as a Runware result, inline or streamed. Only a request with
 * one text task delivered inline or as a stream carries one; anything else (async, webhooks, several
 * tasks, a task that fails its checks) is left to synthesis, which answers it as documented.
 */
import { finishReasonOf, type Answer } from '../../core/answer.js';
import { BASE58, createRng, makeId } from '../../core/hash.js';
import type { OperationContext, OperationResult } from '../../core/types.js';
import { jsonTokens, toPieces } from '../../synth/tokens.js';
import { checkRequest } from './check-tasks.js';
import type { ResultPlan } from './plan-result.js';
import { countPromptTokens } from './prompt-tokens.js';
import { planUsage, toResultItem, toStreamChunks, type ResultLabel } from './render-result.js';

type Obj = Record<string, unknown>;

export function renderAnswer(ctx: OperationContext, answer: Answer): OperationResult | undefined {
  const checked = checkRequest(ctx);
  if (!checked.ok) return undefined;
  const tasks = checked.tasks.filter((t) => !t.ok || t.task.taskType !== 'authentication');
  const only = tasks[0];
  if (tasks.length !== 1 || !only?.ok || only.task.taskType !== 'textInference') return undefined;
  const task = only.task;
  if (typeof task.webhookURL === 'string' || task.deliveryMethod === 'async') return undefined;
  const reasoning = answer.thinking ? toPieces(answer.thinking) : [];
  const pieces = answer.text ? toPieces(answer.text) : [];
  const toolCalls = (answer.toolCalls ?? []).map((call) => ({ id: makeId(ctx.rng, 'toolu_01', 22, BASE58), name: call.name, arguments: call.input }));
  const toolTokens = (answer.toolCalls ?? []).reduce((n, call) => n + jsonTokens(call.input), 0);
  const plan: ResultPlan = {
    reasoning,
    pieces,
    toolCalls,
    finishReason: finishReasonOf(answer),
    promptTokens: answer.usage?.inputTokens ?? countPromptTokens(task),
    completionTokens: answer.usage?.outputTokens ?? reasoning.length + pieces.length + toolTokens,
    thinkingTokens: reasoning.length,
  };
  const label: ResultLabel = {
    taskUUID: String(task.taskUUID),
    seed: typeof task.seed === 'number' ? task.seed : undefined,
    includeUsage: task.includeUsage === true,
    includeCost: task.includeCost === true,
    prices: ctx.provider.prices,
  };
  const used = () => planUsage(plan);
  if (task.deliveryMethod === 'stream') return { kind: 'stream', events: toStreamChunks(plan, label, createRng(ctx.seed ^ 0x5bd1e995)), usage: used };
  return { kind: 'json', body: { data: [toResultItem(plan, label)] }, usage: used };
}

/**
 * The first text task's last user turn, and whether a tool's result came after it: a trailing `tool`
 * turn, or (for clients that send results back as a later user turn) any earlier assistant turn.
 */
export function lastUserTurn(body: unknown): { text: string; toolResult: boolean; assistantTurns: number } | undefined {
  const task = Array.isArray(body) ? (body as Obj[]).find((t) => t && typeof t === 'object' && t.taskType === 'textInference') : undefined;
  const messages = task?.messages;
  if (!Array.isArray(messages)) return undefined;
  const last = (messages as Obj[]).findLast((m) => m.role === 'user');
  const assistantTurns = (messages as Obj[]).filter((m) => m.role === 'assistant').length;
  const toolResult = (messages as Obj[]).at(-1)?.role === 'tool' || assistantTurns > 0;
  return { text: typeof last?.content === 'string' ? last.content : '', toolResult, assistantTurns };
}
