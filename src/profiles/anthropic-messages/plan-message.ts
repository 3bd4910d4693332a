/**
 * Decides what the model "says" for a request: thinking, text, a tool call, and why it stopped. Both the
 * JSON answer and the SSE stream are rendered from one plan, so they always carry the same content.
 */
import { BASE58, makeId, type Rng } from '../../core/hash.js';
import { composeCountedAnswer, composeSignature, composeThinking, topicOf, type CountedText } from '../../synth/text.js';
import { clipPieces, jsonTokens } from '../../synth/tokens.js';
import { promptValues } from '../../synth/prompt-values.js';
import { sampleSchema } from '../../synth/sample-schema.js';
import { cutAtStop } from '../../synth/cut-text.js';
import { rankTools } from '../../synth/tool-match.js';
import { contentText, toolPreamble, toolResultAnswer } from '../../synth/tool-talk.js';
import { countInputTokens } from './input-tokens.js';
import type { CacheUsage } from '../../core/cache/prompt-cache.js';

type Block = Record<string, unknown>;
const NONE: readonly Block[] = Object.freeze([]);

export type PlannedBlock =
  | { type: 'text'; text: string; tokens: number }
  | { type: 'thinking'; text: string; tokens: number; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown; json: string; tokens: number };

export interface MessagePlan {
  id: string;
  model: string;
  blocks: PlannedBlock[];
  stopReason: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use';
  stopSequence: string | null;
  /** Uncached input tokens: the whole prompt less what the cache read or wrote. */
  inputTokens: number;
  outputTokens: number;
  /** What prompt caching did, when the request asked for it (`cache_control` somewhere). */
  cache?: CacheUsage;
}

export type PlanOutcome = { ok: true; plan: MessagePlan } | { ok: false; message: string; param: string };

export function planMessage(body: Record<string, unknown>, rng: Rng): PlanOutcome {
  const invalid = checkSemantics(body);
  if (invalid) return { ok: false, ...invalid };
  const messages = body.messages as Block[];
  const lastUser = messages.findLast((m) => m.role === 'user');
  const prompt = lastUser ? textOf(lastUser.content) : '';
  const toolResults = lastUser && Array.isArray(lastUser.content) ? (lastUser.content as Block[]).filter((b) => b.type === 'tool_result') : NONE;
  const tools = body.tools ? (body.tools as Block[]).filter((t) => t.input_schema) : NONE;
  const choice = ((body.tool_choice ?? { type: 'auto' }) as Block).type as string;

  let budget = Number(body.max_tokens);
  const blocks: PlannedBlock[] = [];
  let stopReason: MessagePlan['stopReason'] = 'end_turn';
  let stopSequence: string | null = null;

  const thinking = body.thinking as Block | undefined;
  if (thinking?.type === 'enabled') {
    const { text, tokens } = clipPieces(composeThinking(rng, prompt), Math.min(Number(thinking.budget_tokens), budget));
    budget -= tokens;
    blocks.push({ type: 'thinking', text, tokens, signature: composeSignature(rng) });
  }

  // A forced choice (`any`, `tool`) calls a tool on every turn, after a tool result too, as the real model
  // must; with `auto` the model answers a tool result in text, so agent loops end.
  const forced = choice === 'any' || choice === 'tool';
  const callTool = tools.length > 0 && choice !== 'none' && (forced || toolResults.length === 0);
  const tool = callTool ? (choice === 'tool' ? tools.find((t) => t.name === (body.tool_choice as Block).name)! : bestTool(tools, prompt)) : undefined;

  // A composed answer comes with its token count; other text, or text cut at a stop, is counted here.
  let counted: CountedText | undefined;
  let text: string;
  const format = outputSchema(body);
  if (tool) text = forced ? '' : toolPreamble([String(tool.name)], prompt);
  else if (format) text = JSON.stringify(sampleSchema(format, { rng, topic: topicOf(prompt), root: format, prompt: promptValues(prompt) }));
  else if (toolResults.length) text = toolResultAnswer(rng, prompt, [textOf(toolResults[0]!.content)], Boolean(toolResults[0]!.is_error));
  else text = (counted = composeCountedAnswer(rng, prompt)).text;

  // Stops steer free text only: a structured answer always parses unless max_tokens cuts it.
  if (!tool && !format) {
    const cut = cutAtStop(text, (body.stop_sequences ?? []) as string[]);
    if (cut.text !== text) counted = undefined;
    text = cut.text;
    if (cut.stop !== undefined) {
      stopReason = 'stop_sequence';
      stopSequence = cut.stop;
    }
  }

  const clip = counted && counted.tokens <= budget ? { text, tokens: counted.tokens, clipped: false } : clipPieces(text, budget);
  if (clip.clipped) {
    stopReason = 'max_tokens';
    stopSequence = null;
  }
  budget -= clip.tokens;
  if (clip.tokens) blocks.push({ type: 'text', text: clip.text, tokens: clip.tokens });

  if (tool && stopReason !== 'max_tokens') {
    const input = sampleSchema(tool.input_schema as Block, { rng, topic: topicOf(prompt), root: tool.input_schema as Block, prompt: promptValues(prompt) });
    const json = JSON.stringify(input);
    const tokens = jsonTokens(input);
    if (tokens <= budget) {
      blocks.push({ type: 'tool_use', id: makeId(rng, 'toolu_01', 22, BASE58), name: String(tool.name), input, json, tokens });
      stopReason = 'tool_use';
    } else {
      stopReason = 'max_tokens';
    }
  }

  const outputTokens = blocks.reduce((n, b) => n + b.tokens, 0);
  return {
    ok: true,
    plan: {
      id: makeId(rng, 'msg_01', 22, BASE58),
      model: String(body.model),
      blocks,
      stopReason,
      stopSequence,
      inputTokens: countInputTokens(body),
      outputTokens,
    },
  };
}

const THINKING_DOCS = 'https://docs.claude.com/en/docs/build-with-claude/extended-thinking#important-considerations-when-using-extended-thinking';

/**
 * Rules the provider enforces that a JSON Schema cannot say. The messages are the real API's, word for
 * word where it is known (the sampling and thinking rules), each naming the field at fault.
 */
export function checkSemantics(body: Record<string, unknown>): { message: string; param: string } | undefined {
  const thinking = body.thinking as Block | undefined;
  if (thinking?.type === 'enabled' && Number(thinking.budget_tokens) >= Number(body.max_tokens)) {
    return { message: 'max_tokens: must be greater than thinking.budget_tokens', param: 'max_tokens' };
  }
  // Claude 4.5 models (Haiku 4.5 is the only model standin serves) take one sampling control, not both.
  if (body.temperature != null && body.top_p != null) {
    return { message: '`temperature` and `top_p` cannot both be specified for this model. Please use only one.', param: 'temperature' };
  }
  const tools = (body.tools ?? NONE) as readonly Block[];
  const choice = body.tool_choice as Block | undefined;
  if (thinking?.type === 'enabled') {
    if (choice?.type === 'any' || choice?.type === 'tool') {
      return { message: 'Thinking may not be enabled when tool_choice forces tool use.', param: 'tool_choice' };
    }
    if (body.temperature != null && body.temperature !== 1) {
      return { message: `\`temperature\` may only be set to 1 when thinking is enabled. Please consult our documentation at ${THINKING_DOCS}`, param: 'temperature' };
    }
  }
  if (choice && choice.type !== 'none' && tools.length === 0) {
    return { message: 'tool_choice: tool_choice may only be specified while providing tools', param: 'tool_choice' };
  }
  if (choice?.type === 'tool' && !tools.some((t) => t.name === choice.name)) {
    return { message: `tool_choice.name: Tool '${String(choice.name)}' not found in tools`, param: 'tool_choice.name' };
  }
  const names = new Set<string>();
  for (let i = 0; i < tools.length; i++) {
    // Toolsets (browser, computer, MCP) have no name of their own.
    if (typeof tools[i]!.name !== 'string') continue;
    const name = tools[i]!.name as string;
    if (names.has(name)) return { message: `tools.${i}.name: Tool names must be unique`, param: `tools.${i}.name` };
    names.add(name);
  }
  // Plain loops: this runs on every request, and most requests have no tool results to check.
  const messages = body.messages as Block[];
  for (let i = 0; i < messages.length; i++) {
    const content = messages[i]!.content;
    if (!Array.isArray(content)) continue;
    const previous = messages[i - 1];
    const offered = previous?.role === 'assistant' && Array.isArray(previous.content) ? (previous.content as Block[]) : NONE;
    for (let j = 0; j < content.length; j++) {
      const block = content[j] as Block;
      if (block.type === 'tool_result' && !offered.some((b) => b.type === 'tool_use' && b.id === block.tool_use_id)) {
        return {
          message: `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
          param: `messages.${i}.content.${j}`,
        };
      }
    }
  }
  return undefined;
}

/**
 * The JSON Schema a structured answer must follow: `output_config.format` (GA) or the beta
 * `output_format`, each `{type: "json_schema", schema}`.
 */
function outputSchema(body: Record<string, unknown>): Block | undefined {
  const config = body.output_config as Block | null | undefined;
  const format = (config?.format ?? body.output_format) as Block | null | undefined;
  return format?.type === 'json_schema' && format.schema && typeof format.schema === 'object' ? (format.schema as Block) : undefined;
}

/** The text of a turn: its text blocks, and the text inside its tool results. */
function textOf(content: unknown): string {
  return contentText(content, (b) => (b.type === 'text' ? String(b.text) : b.type === 'tool_result' ? textOf(b.content) : ''));
}

/** The tool whose name and description share the most words with the prompt (the first on a tie). */
function bestTool(tools: readonly Block[], prompt: string): Block {
  return rankTools(tools, prompt, (t) => ({ name: String(t.name), description: String(t.description ?? '') }))[0]!;
}
