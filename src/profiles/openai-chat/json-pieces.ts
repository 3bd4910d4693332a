/**
 * JSON split as a tokenizer would: runs of word characters, and runs of punctuation (`{"`, `":"`).
 * Free text is counted in word pieces (synth/tokens.ts); compact JSON has almost no spaces, so JSON
 * replies and tool arguments are cut here instead, which makes their token counts and streams realistic.
 */
export function jsonPieces(json: string): string[] {
  return json.match(/\s*[\p{L}\p{N}_.+-]+|\s*[^\p{L}\p{N}_.+\s-]+|\s+/gu) ?? [];
}
