/**
 * Decides what the model "says" for a chat completion request: text (free or JSON), tool calls, and why
 * it stopped. The JSON answer and the chunk stream are both rendered from one plan, so they always
 * carry the same content.
 */
import { makeId, type Rng } from '../../core/hash.js';
import { clipToBudget, cutAtStop } from '../../synth/cut-text.js';
import { promptValues } from '../../synth/prompt-values.js';
import { sampleSchema } from '../../synth/sample-schema.js';
import { composeAnswer, topicOf } from '../../synth/text.js';
import { rankTools } from '../../synth/tool-match.js';
import { toolPreamble, toolResultAnswer } from '../../synth/tool-talk.js';
import { jsonTokens, toPieces } from '../../synth/tokens.js';
import { jsonPieces } from './json-pieces.js';
import { promptOf, textOf, trailingToolResults } from './conversation.js';
import { countPromptTokens } from './prompt-tokens.js';

import type { CacheUsage } from '../../core/cache/prompt-cache.js';

type Obj = Record<string, unknown>;

export type FinishReason = 'stop' | 'length' | 'tool_calls';

export interface PlannedCall {
  id: string;
  name: string;
  /** The arguments as JSON text, as the wire carries them. */
  arguments: string;
  tokens: number;
}

export interface CompletionPlan {
  id: string;
  model: string;
  /** The reply text as output tokens; `content` is their concatenation, or null. */
  pieces: string[];
  content: string | null;
  toolCalls: PlannedCall[];
  finishReason: FinishReason;
  /** The whole prompt, cached tokens included (OpenAI's `prompt_tokens`). */
  promptTokens: number;
  completionTokens: number;
  /** What automatic prompt caching read and wrote (set on the first choice, when it ran). */
  cache?: CacheUsage;
}

interface FunctionDef {
  name: string;
  description?: string;
  parameters?: Obj;
}

/** `cap` is the output limit used when the request names none (the document's maximum). */
export function planCompletion(body: Obj, rng: Rng, cap: number): CompletionPlan {
  const messages = body.messages as Obj[];
  const prompt = promptOf(messages);
  const toolResults = trailingToolResults(messages);
  const tools = ((body.tools ?? []) as Obj[]).map((t) => t.function as FunctionDef);
  const chosen = chooseTools(body, tools, prompt, toolResults.length > 0);
  const choice = body.tool_choice ?? 'auto';
  const format = responseFormat(body);

  let budget = Number(body.max_completion_tokens ?? body.max_tokens ?? cap);
  let finishReason: FinishReason = 'stop';
  let text: string;
  if (chosen.length > 0) {
    // Claude announces a call it chose itself; a forced call (or a JSON-only reply) has no preamble.
    text = choice === 'auto' && format.type === 'text' ? toolPreamble(chosen.map((t) => t.name), prompt) : '';
  } else {
    text = answerText(format, rng, prompt, toolResults);
    // Stops steer free text only, so a JSON reply always parses unless max_tokens cuts it.
    if (format.type === 'text') text = cutAtStop(text, stopList(body.stop)).text;
  }

  const isJson = chosen.length === 0 && format.type !== 'text';
  const { pieces, clipped } = clipToBudget(isJson ? jsonPieces(text) : toPieces(text), budget);
  if (clipped) finishReason = 'length';
  budget -= pieces.length;

  const toolCalls: PlannedCall[] = [];
  if (chosen.length > 0 && !clipped) {
    const topic = topicOf(prompt);
    // One reader for all calls: numbers and quoted strings go to the first properties that take them.
    const named = promptValues(prompt);
    for (const tool of chosen) {
      const schema = tool.parameters ?? { type: 'object', properties: {} };
      const args = sampleSchema(schema, { rng, topic, root: schema, prompt: named });
      const tokens = jsonTokens(args);
      if (tokens > budget) break;
      budget -= tokens;
      toolCalls.push({ id: makeId(rng, 'call_', 24), name: tool.name, arguments: JSON.stringify(args), tokens });
    }
    finishReason = toolCalls.length === chosen.length ? 'tool_calls' : 'length';
  }

  return {
    id: makeId(rng, 'chatcmpl-', 29),
    model: String(body.model),
    pieces,
    content: pieces.length > 0 || toolCalls.length === 0 ? pieces.join('') : null,
    toolCalls,
    finishReason,
    promptTokens: countPromptTokens(body),
    completionTokens: pieces.length + toolCalls.reduce((n, c) => n + c.tokens, 0),
  };
}

/**
 * The `n` choices a request asks for: the first is what `planCompletion` plans for it alone; each
 * further one draws on from the same generator, so choices differ and the whole stays deterministic.
 * All share the first choice's id.
 */
export function planChoices(body: Obj, rng: Rng, cap: number): CompletionPlan[] {
  const first = planCompletion(body, rng, cap);
  const choices = [first];
  for (let i = 1; i < Number(body.n ?? 1); i++) choices.push({ ...planCompletion(body, rng, cap), id: first.id });
  return choices;
}

/**
 * The functions to call: a named choice calls that one; `required` and `auto` call the best match (two,
 * when parallel calls are allowed and two or more tools exist, so parallel handling can be tested).
 * `auto` answers a tool result in text, so agent loops end.
 */
function chooseTools(body: Obj, tools: FunctionDef[], prompt: string, afterToolResult: boolean): FunctionDef[] {
  if (tools.length === 0) return [];
  const choice = body.tool_choice ?? 'auto';
  if (choice === 'none') return [];
  if (typeof choice === 'object' && choice !== null) {
    const name = ((choice as Obj).function as Obj).name;
    return tools.filter((t) => t.name === name).slice(0, 1);
  }
  if (choice === 'auto' && afterToolResult) return [];
  const ranked = rankTools(tools, prompt, (t) => ({ name: t.name, description: t.description }));
  return ranked.slice(0, body.parallel_tool_calls !== false && ranked.length >= 2 ? 2 : 1);
}

type Format = { type: 'text' } | { type: 'json_object' } | { type: 'json_schema'; schema: Obj };

function responseFormat(body: Obj): Format {
  const format = body.response_format as Obj | null | undefined;
  if (format?.type === 'json_object') return { type: 'json_object' };
  if (format?.type === 'json_schema') {
    const schema = (format.json_schema as Obj | undefined)?.schema as Obj | undefined;
    return schema ? { type: 'json_schema', schema } : { type: 'json_object' };
  }
  return { type: 'text' };
}

function answerText(format: Format, rng: Rng, prompt: string, toolResults: Obj[]): string {
  if (format.type === 'json_schema') return JSON.stringify(sampleSchema(format.schema, { rng, topic: topicOf(prompt), root: format.schema }));
  const answer = toolResults.length ? toolResultAnswer(rng, prompt, toolResults.map((r) => textOf(r.content))) : composeAnswer(rng, prompt);
  return format.type === 'json_object' ? JSON.stringify({ answer }) : answer;
}

function stopList(stop: unknown): string[] {
  if (typeof stop === 'string') return [stop];
  return Array.isArray(stop) ? stop.map(String) : [];
}
