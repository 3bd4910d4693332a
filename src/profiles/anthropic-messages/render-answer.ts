/** A neutral answer (a hand-written fixture) as an Anthropic message plan, rendered as JSON or SSE. */
import { stopReasonOf, type Answer } from '../../core/answer.js';
import { BASE58, createRng, makeId } from '../../core/hash.js';
import type { OperationContext, OperationResult } from '../../core/types.js';
import { composeSignature } from '../../synth/text.js';
import { jsonTokens, toPieces } from '../../synth/tokens.js';
import { contentText } from '../../synth/tool-talk.js';
import { answeredModel } from './answered-model.js';
import { countInputTokens } from './input-tokens.js';
import { checkSemantics, type MessagePlan, type PlannedBlock } from './plan-message.js';
import { toMessage, toStreamEvents } from './render-message.js';
import { planUsage } from './usage.js';

type Body = Record<string, unknown>;

export function renderAnswer(ctx: OperationContext, answer: Answer): OperationResult | undefined {
  if (ctx.operation.operationId !== 'createMessage') return undefined;
  const body = ctx.body as Body;
  const invalid = checkSemantics(body);
  if (invalid) return { kind: 'error', trigger: 'invalid-request', ...invalid };
  const { rng } = ctx;
  const blocks: PlannedBlock[] = [];
  if (answer.thinking) blocks.push({ type: 'thinking', text: answer.thinking, tokens: toPieces(answer.thinking).length, signature: composeSignature(rng) });
  if (answer.text) blocks.push({ type: 'text', text: answer.text, tokens: toPieces(answer.text).length });
  for (const call of answer.toolCalls ?? []) {
    blocks.push({ type: 'tool_use', id: makeId(rng, 'toolu_01', 22, BASE58), name: call.name, input: call.input, json: JSON.stringify(call.input), tokens: jsonTokens(call.input) });
  }
  const plan: MessagePlan = {
    id: makeId(rng, 'msg_01', 22, BASE58),
    model: answeredModel(ctx.provider, String(body.model)),
    blocks,
    stopReason: stopReasonOf(answer),
    stopSequence: answer.stopReason === 'stop_sequence' ? (((body.stop_sequences ?? []) as string[])[0] ?? null) : null,
    inputTokens: answer.usage?.inputTokens ?? countInputTokens(body),
    outputTokens: answer.usage?.outputTokens ?? blocks.reduce((n, b) => n + b.tokens, 0),
  };
  if (body.stream !== true) return { kind: 'json', body: toMessage(plan) };
  return { kind: 'stream', events: toStreamEvents(plan, createRng(ctx.seed ^ 0x5bd1e995)), usage: () => planUsage(plan) };
}

/** The last user turn's text, whether it carries a tool result, and how many assistant turns came before. */
export function lastUserTurn(body: unknown): { text: string; toolResult: boolean; assistantTurns: number } | undefined {
  const messages = (body as Body | undefined)?.messages;
  if (!Array.isArray(messages)) return undefined;
  // A turn carrying only tool results is not what the user said: look past it to the last one with text.
  const users = (messages as Body[]).filter((m) => m.role === 'user');
  const last = users.at(-1);
  const spoken = users.findLast((m) => !Array.isArray(m.content) || (m.content as Body[]).some((b) => b.type === 'text'));
  const content = last?.content;
  const toolResult = Array.isArray(content) && content.some((b) => (b as Body).type === 'tool_result');
  return { text: spoken ? textOf(spoken.content) : '', toolResult, assistantTurns: (messages as Body[]).filter((m) => m.role === 'assistant').length };
}

function textOf(content: unknown): string {
  return contentText(content, (b) => (b.type === 'text' ? String(b.text) : b.type === 'tool_result' ? textOf(b.content) : ''));
}
