import { describe, expect, it } from 'vitest';
import { createRng } from '../core/hash.js';
import { clipPieces, PieceCursor, toPieces } from './tokens.js';

/** `count` short texts of words, spaces of every kind, an accent and an emoji, drawn from `seed`. */
function* randomTexts(seed: number, count: number): Generator<{ text: string; rng: ReturnType<typeof createRng> }> {
  const rng = createRng(seed);
  const alphabet = ['a', 'b', ' ', ' ', '\n', '\t', '\u00a0', '\u3000', 'é', '.', '\ud83d\ude00'];
  for (let n = 0; n < count; n++) {
    let text = '';
    for (let i = rng.int(0, 24); i > 0; i--) text += rng.pick(alphabet);
    yield { text, rng };
  }
}

describe('clipPieces', () => {
  it('agrees with toPieces: the same first pieces, the same count, and says when it cut', () => {
    for (const { text, rng } of randomTexts(42, 2000)) {
      const pieces = toPieces(text);
      const budget = rng.int(-1, pieces.length + 1);
      const kept = pieces.slice(0, Math.max(budget, 0));
      expect(clipPieces(text, budget), JSON.stringify({ text, budget })).toEqual({
        text: kept.join(''),
        tokens: kept.length,
        clipped: pieces.length > Math.max(budget, 0),
      });
    }
  });

  it('counts a trailing run of whitespace as a piece of its own', () => {
    expect(clipPieces('one two  ', 10)).toEqual({ text: 'one two  ', tokens: 3, clipped: false });
    expect(clipPieces('one two  ', 2)).toEqual({ text: 'one two', tokens: 2, clipped: true });
    expect(clipPieces('', 0)).toEqual({ text: '', tokens: 0, clipped: false });
  });
});

describe('toPieces', () => {
  it('splits as the rule says: a word with the whitespace before it, and trailing whitespace alone', () => {
    for (const { text } of randomTexts(7, 2000)) {
      expect(toPieces(text), JSON.stringify(text)).toEqual(text.match(/\s*\S+|\s+$/g) ?? []);
    }
  });
});

describe('PieceCursor', () => {
  const texts = ['', '   ', 'one', ' one two  three ', 'Hello, world.\nNew line\there  ', 'trailing\u00a0nbsp\u00a0', 'é 🙂 words'];

  it('walks the same pieces toPieces makes, whatever the group sizes', () => {
    for (const text of texts) {
      for (const sizes of [[1], [2], [3], [1, 3, 2]]) {
        const cursor = new PieceCursor(text);
        const groups: { text: string; count: number }[] = [];
        for (let i = 0; !cursor.done; i++) groups.push(cursor.take(sizes[i % sizes.length]!));
        const pieces = toPieces(text);
        expect(groups.map((g) => g.text).join('')).toBe(pieces.join(''));
        expect(groups.reduce((n, g) => n + g.count, 0)).toBe(pieces.length);
        let at = 0;
        for (const g of groups) {
          expect(g.text).toBe(pieces.slice(at, at + g.count).join(''));
          at += g.count;
        }
      }
    }
  });
});
