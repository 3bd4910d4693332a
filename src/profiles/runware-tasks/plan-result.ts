/**
 * Decides what the model "says" for one result of a text task: reasoning, text, a tool call, and why it
 * stopped. The JSON item, the stream and the webhook call are all rendered from one plan, so every
 * delivery method carries the same answer.
 */
import { BASE58, makeId, type Rng } from '../../core/hash.js';
import { clipToBudget, cutAtStop } from '../../synth/cut-text.js';
import { promptValues } from '../../synth/prompt-values.js';
import { sampleSchema } from '../../synth/sample-schema.js';
import { composeAnswer, composeThinking, topicOf } from '../../synth/text.js';
import { rankTools } from '../../synth/tool-match.js';
import { toolPreamble, toolResultAnswer } from '../../synth/tool-talk.js';
import { jsonTokens, toPieces } from '../../synth/tokens.js';
import { countPromptTokens } from './prompt-tokens.js';
import type { CacheUsage } from '../../core/cache/prompt-cache.js';

type Obj = Record<string, unknown>;

export type FinishReason = 'stop' | 'length' | 'tool_calls';

export interface ToolCall {
  id: string;
  name: string;
  arguments: Obj;
}

export interface ResultPlan {
  /** Reasoning as output tokens (one string in `reasoningContent`); empty when thinking is off. */
  reasoning: string[];
  /** The answer as output tokens; `text` is their concatenation. */
  pieces: string[];
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  /** The whole prompt, cached tokens included. */
  promptTokens: number;
  completionTokens: number;
  thinkingTokens: number;
  /** What `settings.cache` did, when the task asked for caching. */
  cache?: CacheUsage;
}

/** How many reasoning passes each level makes; the document leaves the depth to the model. */
const THINKING_PASSES: Record<string, number> = { low: 1, medium: 2, high: 3 };

/** `defaultMaxTokens` is the budget of a task that sets no `maxTokens` (the document's default). */
export function planResult(task: Obj, rng: Rng, defaultMaxTokens: number): ResultPlan {
  const settings = (task.settings ?? {}) as Obj;
  const messages = task.messages as Obj[];
  // What the user asked: the last user turn, looking past the tool results that may end the conversation.
  const prompt = String(messages.findLast((m) => m.role === 'user')?.content ?? '');
  const results = trailingToolResults(messages);
  let budget = Number(settings.maxTokens ?? defaultMaxTokens);

  const passes = THINKING_PASSES[String(settings.thinkingLevel ?? 'off')] ?? 0;
  const thought = Array.from({ length: passes }, () => composeThinking(rng, prompt)).join(' ');
  const reasoning = clipToBudget(toPieces(thought), budget).pieces;
  budget -= reasoning.length;

  const tool = chooseTool(task, prompt, results.length > 0);
  const choice = String((task.toolChoice as Obj | undefined)?.type ?? 'auto');
  let finishReason: FinishReason = 'stop';
  let text: string;
  if (tool) text = choice === 'auto' ? toolPreamble([String(tool.name)], prompt) : '';
  else {
    const answer = results.length ? toolResultAnswer(rng, prompt, results.map((r) => String(r.content ?? ''))) : composeAnswer(rng, prompt);
    text = cutAtStop(answer, (settings.stopSequences ?? []) as string[]).text;
  }

  const { pieces, clipped } = clipToBudget(toPieces(text), budget);
  // Thinking that used the whole budget leaves the answer cut as well.
  if (clipped || budget <= 0) finishReason = 'length';
  budget -= pieces.length;

  const toolCalls: ToolCall[] = [];
  let toolTokens = 0;
  if (tool && finishReason !== 'length') {
    const schema = tool.schema as Obj;
    const args = sampleSchema(schema, { rng, topic: topicOf(prompt), root: schema, prompt: promptValues(prompt) });
    const tokens = jsonTokens(args);
    if (tokens <= budget) {
      toolCalls.push({ id: makeId(rng, 'toolu_01', 22, BASE58), name: String(tool.name), arguments: isObj(args) ? args : {} });
      toolTokens = tokens;
      finishReason = 'tool_calls';
    } else {
      finishReason = 'length';
    }
  }
  return {
    reasoning,
    pieces,
    toolCalls,
    finishReason,
    promptTokens: countPromptTokens(task),
    completionTokens: reasoning.length + pieces.length + toolTokens,
    thinkingTokens: reasoning.length,
  };
}

/**
 * The function tool to call, if any. `none` never calls; `tool` and `any` always do. Under `auto` the
 * model calls the tool that best matches the prompt, except when the conversation ends with tool results
 * (the model answers them in text, so agent loops end), or, for clients that send a tool's result back
 * as a later user turn, once it holds an assistant turn. Search and code-interpreter tools run on the
 * provider's side and never come back as calls.
 */
function chooseTool(task: Obj, prompt: string, afterToolResults: boolean): Obj | undefined {
  const functions = ((task.tools ?? []) as Obj[]).filter((t) => t.type === 'function');
  const choice = (task.toolChoice ?? { type: 'auto' }) as Obj;
  if (functions.length === 0 || choice.type === 'none') return undefined;
  if (choice.type === 'tool') return functions.find((t) => t.name === choice.name);
  if (choice.type === 'auto' && (afterToolResults || (task.messages as Obj[]).some((m) => m.role === 'assistant'))) return undefined;
  return rankTools(functions, prompt, (t) => ({ name: String(t.name), description: String(t.description ?? '') }))[0];
}

/** The tool turns that end the conversation (the results of the last round of calls), oldest first. */
export function trailingToolResults(messages: readonly Obj[]): Obj[] {
  let start = messages.length;
  while (start > 0 && messages[start - 1]!.role === 'tool') start--;
  return messages.slice(start);
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
