/**
 * The OpenAI chat completion stream grammar, checked chunk by chunk, and the completion its deltas add
 * up to. Every chunk is a `chat.completion.chunk` with the stream's one id, created and model; each
 * choice opens with `role: "assistant"`, grows by `content` / `refusal` / `tool_calls` deltas (a tool
 * call's first fragment carries id, type and function.name, later ones only argument text) and closes
 * with exactly one `finish_reason`; an optional usage chunk with empty `choices` comes last (only add-on
 * chunks, such as a moderation verdict, may follow it); `[DONE]` ends the stream. A `{"error": ...}` line ends it instead, with nothing after it (no `[DONE]`).
 */
import { parseData, readDataOnlyStream, type StreamCheckOptions } from './data-only-stream.js';

type Obj = Record<string, any>;

export interface OpenAIStreamReport {
  /** Empty when the stream follows the grammar. */
  violations: string[];
  /**
   * What the stream adds up to, shaped like a non-streamed `chat.completion`: `choices[i].message` has
   * role, content (null when no content arrived), refusal, and tool_calls with their argument fragments
   * joined; `choices[i].finish_reason`; `usage` when a usage chunk came. Absent when no chunk came.
   */
  completion?: Obj;
  /** The `error` object of an error line, when the stream ended with one. */
  error?: Obj;
  /** Whether the terminator line (`[DONE]` unless told otherwise) arrived. */
  done: boolean;
}

interface ChoiceState {
  index: number;
  message: Obj;
  logprobs: Obj | null;
  finish_reason: string | null;
  calls: Obj[];
}

/**
 * Checks a stream given as its `data:` payloads in order, either raw (`parseSseText` output, `[DONE]`
 * included) or already parsed as JSON (with `[DONE]` as the string). On its own (the default) a missing
 * terminator is a violation; see `StreamCheckOptions` for the contract suite's use.
 */
export function checkOpenAIStream(events: readonly { event?: string; data: unknown }[], options: StreamCheckOptions = {}): OpenAIStreamReport {
  const violations: string[] = [];
  const choices = new Map<number, ChoiceState>();
  let head: Obj | undefined;
  let usage: Obj | undefined;
  let sawUsage = false;

  const errorOf = (line: Obj): Obj | undefined => ('error' in line && line.error ? line.error : undefined);
  const { done, error } = readDataOnlyStream(events, 'event', violations, errorOf, (data, where) => {
    const addOn = isAddOnChunk(data);
    if (sawUsage && !addOn) violations.push(`${where}: a chunk after the usage chunk`);
    if (data.object !== 'chat.completion.chunk') violations.push(`${where}: object is '${data.object}', not 'chat.completion.chunk'`);
    if (!head) {
      head = data;
      if (typeof data.id !== 'string' || data.id === '') violations.push(`${where}: id is missing`);
      if (!Number.isInteger(data.created)) violations.push(`${where}: created is not an integer`);
    } else {
      for (const key of ['id', 'created', 'model'] as const) {
        if (data[key] !== head[key]) violations.push(`${where}: ${key} ${JSON.stringify(data[key])} differs from the first chunk's ${JSON.stringify(head[key])}`);
      }
    }
    if (!Array.isArray(data.choices)) {
      violations.push(`${where}: choices is not a list`);
      return;
    }
    if (data.usage !== undefined && data.usage !== null) {
      if (data.choices.length > 0) violations.push(`${where}: usage on a chunk that carries choices`);
      checkUsage(data.usage, where, violations);
      usage = data.usage;
      sawUsage = true;
    } else if (data.choices.length === 0 && !addOn) {
      violations.push(`${where}: a chunk with no choices and no usage`);
    }
    for (const choice of data.choices as Obj[]) applyChoice(choice, choices, `${where} choice ${String(choice?.index)}`, violations);
  }, options);

  if (!error) {
    if (!head) violations.push('the stream has no chunk');
    for (const c of choices.values()) if (c.finish_reason === null) violations.push(`choice ${c.index} never gets a finish_reason`);
  }

  const completion = head && {
    id: head.id,
    object: 'chat.completion',
    created: head.created,
    model: head.model,
    ...(head.system_fingerprint !== undefined ? { system_fingerprint: head.system_fingerprint } : {}),
    ...(head.service_tier !== undefined ? { service_tier: head.service_tier } : {}),
    choices: [...choices.values()]
      .sort((a, b) => a.index - b.index)
      .map((c) => ({ index: c.index, message: finishMessage(c, violations), logprobs: c.logprobs, finish_reason: c.finish_reason })),
    ...(usage ? { usage } : {}),
  };
  return { violations, completion, error, done };
}

/** The fields every chunk may carry; anything else on a chunk with no choices is an add-on's result. */
const CHUNK_FIELDS = new Set(['id', 'object', 'created', 'model', 'service_tier', 'system_fingerprint', 'choices', 'usage', 'obfuscation']);

/**
 * A chunk with no choices and no usage that carries a result of its own: a request option's answer sent
 * after the completion (a `moderation` request gets its verdict in such a chunk, after the usage chunk,
 * in recorded OpenAI traffic). It takes no part in the completion and may follow the usage chunk.
 */
export function isAddOnChunk(data: Obj): boolean {
  return Array.isArray(data.choices) && data.choices.length === 0 && (data.usage === undefined || data.usage === null) && Object.keys(data).some((k) => !CHUNK_FIELDS.has(k));
}

function applyChoice(choice: Obj, choices: Map<number, ChoiceState>, where: string, violations: string[]): void {
  if (!choice || !Number.isInteger(choice.index) || choice.index < 0) {
    violations.push(`${where}: index is not a non-negative integer`);
    return;
  }
  const delta = choice.delta;
  if (!delta || typeof delta !== 'object') {
    violations.push(`${where}: delta is missing`);
    return;
  }
  let state = choices.get(choice.index);
  if (!state) {
    if (delta.role !== 'assistant') violations.push(`${where}: the first delta of a choice must have role 'assistant'`);
    state = { index: choice.index, message: { role: 'assistant', content: null, refusal: null }, logprobs: null, finish_reason: null, calls: [] };
    choices.set(choice.index, state);
  } else if (delta.role !== undefined && delta.role !== 'assistant') {
    violations.push(`${where}: role changes to '${delta.role}'`);
  }
  if (state.finish_reason !== null) violations.push(`${where}: a delta after finish_reason '${state.finish_reason}'`);
  if (typeof delta.content === 'string') state.message.content = (state.message.content ?? '') + delta.content;
  if (typeof delta.refusal === 'string') state.message.refusal = (state.message.refusal ?? '') + delta.refusal;
  if (delta.tool_calls !== undefined) applyToolCalls(delta.tool_calls, state, where, violations);
  if (choice.logprobs) {
    state.logprobs ??= { content: null, refusal: null };
    for (const key of ['content', 'refusal'] as const) {
      if (Array.isArray(choice.logprobs[key])) state.logprobs[key] = [...(state.logprobs[key] ?? []), ...choice.logprobs[key]];
    }
  }
  if (choice.finish_reason !== null && choice.finish_reason !== undefined) state.finish_reason = choice.finish_reason;
}

function applyToolCalls(fragments: unknown, state: ChoiceState, where: string, violations: string[]): void {
  if (!Array.isArray(fragments)) {
    violations.push(`${where}: tool_calls is not a list`);
    return;
  }
  for (const fragment of fragments as Obj[]) {
    const index = fragment?.index;
    if (!Number.isInteger(index)) {
      violations.push(`${where}: a tool_calls fragment without an integer index`);
      continue;
    }
    const fn = fragment.function ?? {};
    let call = state.calls[index];
    if (!call) {
      if (index !== state.calls.length) violations.push(`${where}: tool call index ${index} skips index ${state.calls.length}`);
      if (typeof fragment.id !== 'string' || fragment.type !== 'function' || typeof fn.name !== 'string') {
        violations.push(`${where}: the first fragment of tool call ${index} must carry id, type 'function' and function.name`);
      }
      call = { id: fragment.id, type: fragment.type, function: { name: fn.name, arguments: '' } };
      state.calls[index] = call;
    } else {
      if (fragment.id !== undefined && fragment.id !== call.id) violations.push(`${where}: tool call ${index} changes its id`);
      if (fn.name !== undefined && fn.name !== call.function.name) violations.push(`${where}: tool call ${index} changes its name`);
    }
    if (fn.arguments !== undefined) {
      if (typeof fn.arguments !== 'string') violations.push(`${where}: tool call ${index} arguments is not a string`);
      else call.function.arguments += fn.arguments;
    }
  }
}

function finishMessage(state: ChoiceState, violations: string[]): Obj {
  const calls = state.calls.filter(Boolean);
  if (calls.length === 0) return state.message;
  if (state.finish_reason === 'tool_calls') {
    for (const [i, call] of calls.entries()) {
      if (parseData(call.function.arguments) === undefined) violations.push(`choice ${state.index} tool call ${i}: arguments do not parse as JSON`);
    }
  }
  return { ...state.message, tool_calls: calls };
}

function checkUsage(usage: Obj, where: string, violations: string[]): void {
  const { prompt_tokens: p, completion_tokens: c, total_tokens: t } = usage ?? {};
  if (![p, c, t].every((n) => Number.isInteger(n) && n >= 0)) violations.push(`${where}: usage needs integer prompt, completion and total tokens`);
  else if (p + c !== t) violations.push(`${where}: usage total_tokens ${t} is not ${p} + ${c}`);
}
