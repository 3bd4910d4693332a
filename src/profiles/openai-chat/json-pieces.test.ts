import { describe, expect, it } from 'vitest';
import { jsonPieces } from './json-pieces.js';

describe('jsonPieces', () => {
  it('splits JSON as a tokenizer would and loses nothing', () => {
    expect(jsonPieces('{"city":"New York City"}')).toEqual(['{"', 'city', '":"', 'New', ' York', ' City', '"}']);
    for (const json of ['{}', '{"a":[1,2.5,-3],"b":{"c":null}}', '{"t":"naïve — ok\\n"}']) expect(jsonPieces(json).join('')).toBe(json);
  });
});
