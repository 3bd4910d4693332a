/** The prompt-token estimate of a text task, from the same token rules as every other protocol. */
import { DOCUMENT_TOKENS, IMAGE_TOKENS, MESSAGE_OVERHEAD, jsonTokens, textTokens } from '../../synth/tokens.js';

type Obj = Record<string, unknown>;

export function countPromptTokens(task: Obj): number {
  const settings = (task.settings ?? {}) as Obj;
  let total = 3;
  if (typeof settings.systemPrompt === 'string') total += textTokens(settings.systemPrompt);
  for (const message of (task.messages ?? []) as Obj[]) {
    total += MESSAGE_OVERHEAD + textTokens(String(message.content ?? ''));
    // An assistant turn's calls are input again when the conversation is sent back.
    if (Array.isArray(message.tools)) for (const call of message.tools as Obj[]) total += jsonTokens(call.input ?? {}) + textTokens(String(call.name ?? ''));
  }
  for (const tool of (task.tools ?? []) as Obj[]) total += jsonTokens(tool);
  const inputs = (task.inputs ?? {}) as Obj;
  total += ((inputs.images ?? []) as unknown[]).length * IMAGE_TOKENS;
  total += ((inputs.documents ?? []) as unknown[]).length * DOCUMENT_TOKENS;
  return total;
}
