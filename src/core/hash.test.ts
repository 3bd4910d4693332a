import { describe, expect, it } from 'vitest';
import { hashJson } from './hash.js';

describe('hashJson', () => {
  it('is equal for equal values however they were written, and skips the named top-level keys', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 };
    const respaced = JSON.parse(JSON.stringify(body, null, 2));
    expect(hashJson(respaced)).toBe(hashJson(body));
    const skip = new Set(['stream']);
    expect(hashJson({ ...body, stream: true }, skip)).toBe(hashJson(body, skip));
    // Only at the top level: a nested `stream` is content.
    expect(hashJson({ ...body, metadata: { stream: true } }, skip)).not.toBe(hashJson({ ...body, metadata: {} }, skip));
  });

  it('tells apart values that differ in text, type, nesting or split', () => {
    const values: unknown[] = [
      ['ab', 'c'],
      ['a', 'bc'],
      ['a"', 'b'],
      ['a', '"b'],
      { a: 1 },
      { a: '1' },
      { a: [1] },
      { b: 1 },
      [null],
      [false],
      [true],
      [],
      {},
      '',
      [[]],
    ];
    const hashes = new Set(values.map((v) => hashJson(v)));
    expect(hashes.size).toBe(values.length);
  });
});
