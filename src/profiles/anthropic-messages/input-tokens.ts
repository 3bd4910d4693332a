/** The input-token estimate shared by usage.input_tokens and count_tokens, so the two always agree. */
import { DOCUMENT_TOKENS, IMAGE_TOKENS, MESSAGE_OVERHEAD, jsonTokens, textTokens } from '../../synth/tokens.js';

type Block = Record<string, unknown>;

export function countInputTokens(body: Record<string, unknown>): number {
  let total = 3;
  const system = body.system;
  if (typeof system === 'string') total += textTokens(system);
  else if (Array.isArray(system)) for (const b of system as Block[]) total += blockTokens(b);
  for (const message of (body.messages ?? []) as Block[]) {
    total += MESSAGE_OVERHEAD;
    const content = message.content;
    if (typeof content === 'string') total += textTokens(content);
    else if (Array.isArray(content)) for (const b of content as Block[]) total += blockTokens(b);
  }
  for (const tool of (body.tools ?? []) as Block[]) total += jsonTokens(tool);
  return total;
}

export function blockTokens(block: Block): number {
  switch (block.type) {
    case 'text':
      return textTokens(String(block.text ?? ''));
    case 'image':
      return IMAGE_TOKENS;
    case 'document': {
      const source = (block.source ?? {}) as Block;
      return source.type === 'text' ? textTokens(String(source.data ?? '')) : DOCUMENT_TOKENS;
    }
    case 'thinking':
      return 0; // earlier turns' thinking is stripped from the context by the provider
    case 'tool_use':
      return jsonTokens(block.input) + textTokens(String(block.name ?? ''));
    case 'tool_result': {
      const content = block.content;
      if (typeof content === 'string') return textTokens(content) + 2;
      if (Array.isArray(content)) return (content as Block[]).reduce((n, b) => n + blockTokens(b), 2);
      return 2;
    }
    default:
      return jsonTokens(block);
  }
}
