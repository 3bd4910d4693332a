/**
 * One token estimate for everything standin reports: usage, count_tokens, limits and cost estimates all
 * call these, so they always agree. Output text is generated as a list of word pieces, one token each.
 */

/**
 * Splits text into word pieces, each counted as one output token: a word with the whitespace before
 * it, and whitespace that ends the text as a piece of its own (`/\s*\S+|\s+$/g`). One walk makes them,
 * `PieceCursor`'s.
 */
export function toPieces(text: string): string[] {
  const pieces: string[] = [];
  for (const cursor = new PieceCursor(text); !cursor.done; ) pieces.push(cursor.take(1).text);
  return pieces;
}

/**
 * Walks a text's word pieces, a few at a time, slicing the text itself: a stream that lives for
 * seconds holds its text and a position, not a list of every piece.
 */
export class PieceCursor {
  private at = 0;

  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.at >= this.text.length;
  }

  /** The next `n` pieces as one string, and how many pieces that was (fewer at the end). */
  take(n: number): { text: string; count: number } {
    const { text } = this;
    const start = this.at;
    let count = 0;
    while (count < n && this.at < text.length) {
      let i = this.at;
      while (i < text.length && isSpace(text.charCodeAt(i))) i++;
      // Whitespace that ends the text is a piece of its own; otherwise it leads the next word.
      while (i < text.length && !isSpace(text.charCodeAt(i))) i++;
      this.at = i;
      count++;
    }
    return { text: text.slice(start, this.at), count };
  }
}

/** Whether a UTF-16 code unit is whitespace as `\s` has it. */
export function isSpace(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return /\s/.test(String.fromCharCode(code));
}

/**
 * The first `budget` word pieces of a text, as `toPieces(text).slice(0, budget).join('')` would give
 * them, and how many there are, without building the list: a non-streamed answer never needs it.
 */
export function clipPieces(text: string, budget: number): { text: string; tokens: number; clipped: boolean } {
  const limit = Math.max(budget, 0);
  let tokens = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inWord) {
      if (tokens === limit) return { text: text.slice(0, i).trimEnd(), tokens, clipped: true };
      tokens++;
    }
    inWord = !space;
  }
  // Whitespace after the last word is a piece of its own (as in `toPieces`).
  if (text.length > 0 && !inWord) {
    if (tokens === limit) return { text: text.trimEnd(), tokens, clipped: true };
    tokens++;
  }
  return { text, tokens, clipped: false };
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
