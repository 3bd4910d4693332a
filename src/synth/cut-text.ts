/**
 * How a request's stop sequences and token budget cut a generated answer. Shared by every protocol so
 * the same request stops in the same place whichever wire format asks for it.
 */

/**
 * A model asked for stop sequences is being steered to emit one: standin emits the first sequence after
 * the first sentence, then cuts the text before the earliest sequence found, as the providers do (the
 * sequence itself is never returned). `stop` is the sequence that ended the text, if any.
 */
export function cutAtStop(text: string, stops: readonly string[]): { text: string; stop?: string } {
  const sequences = stops.filter((s) => s.length > 0);
  if (sequences.length === 0) return { text };
  const firstStop = text.indexOf('. ') + 1 || text.length;
  const steered = `${text.slice(0, firstStop)} ${sequences[0]}${text.slice(firstStop)}`;
  const hit = sequences
    .map((s) => ({ s, at: steered.indexOf(s) }))
    .filter((h) => h.at >= 0)
    .sort((a, b) => a.at - b.at)[0];
  return hit ? { text: steered.slice(0, hit.at), stop: hit.s } : { text: steered };
}

/** The pieces (one token each) that fit in `budget`; `clipped` when some did not. */
export function clipToBudget(pieces: string[], budget: number): { pieces: string[]; clipped: boolean } {
  if (pieces.length <= budget) return { pieces, clipped: false };
  return { pieces: pieces.slice(0, Math.max(budget, 0)), clipped: true };
}
