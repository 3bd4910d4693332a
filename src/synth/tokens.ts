/**
 * One token estimate for everything standin reports: usage, count_tokens, limits and cost estimates all
 * call these, so they always agree. Output text is generated as a list of word pieces, one token each.
 */

/** Splits text into word pieces (leading whitespace kept), each counted as one output token. */
export function toPieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** Input tokens for a string: about four characters per token, as the providers' rough guides say. */
export function textTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

/** Tokens for any JSON value (tool definitions, tool inputs, structured content). */
export function jsonTokens(value: unknown): number {
  return textTokens(JSON.stringify(value) ?? '');
}

/** Images are billed by size; without decoding, standin charges a fixed, typical amount. */
export const IMAGE_TOKENS = 1_568;
/** Documents (PDFs) likewise. */
export const DOCUMENT_TOKENS = 2_000;
/** Per-message framing overhead. */
export const MESSAGE_OVERHEAD = 4;
