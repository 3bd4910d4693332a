/** The prompt-token estimate behind usage.prompt_tokens: messages and tool definitions, one pass. */
import { IMAGE_TOKENS, MESSAGE_OVERHEAD, jsonTokens, textTokens } from '../../synth/tokens.js';

type Obj = Record<string, unknown>;

export function countPromptTokens(body: Obj): number {
  let total = 3;
  for (const message of (body.messages ?? []) as Obj[]) total += messageTokens(message);
  for (const tool of (body.tools ?? []) as Obj[]) total += jsonTokens(tool);
  return total;
}

/** One message's tokens: its framing, its content and the calls it made. */
export function messageTokens(message: Obj): number {
  let total = MESSAGE_OVERHEAD + contentTokens(message.content);
  for (const call of (message.tool_calls ?? []) as Obj[]) {
    const fn = (call.function ?? {}) as Obj;
    total += textTokens(String(fn.name ?? '')) + textTokens(String(fn.arguments ?? ''));
  }
  return total;
}

function contentTokens(content: unknown): number {
  if (typeof content === 'string') return textTokens(content);
  if (!Array.isArray(content)) return 0;
  let total = 0;
  for (const part of content as Obj[]) {
    if (part.type === 'text') total += textTokens(String(part.text ?? ''));
    else if (part.type === 'refusal') total += textTokens(String(part.refusal ?? ''));
    // Claude bills an image by its size; without decoding it, standin charges a typical amount.
    else if (part.type === 'image_url') total += IMAGE_TOKENS;
    else total += jsonTokens(part);
  }
  return total;
}
