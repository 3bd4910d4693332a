import { describe, expect, it } from 'vitest';
import { BASE58, createRng, hashJson, JsonTooDeepError, makeId, MAX_JSON_DEPTH, randomHex, randomId } from './hash.js';

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

  it('refuses values nested deeper than MAX_JSON_DEPTH, and only those', () => {
    const nest = (levels: number): unknown => {
      let value: unknown = 1;
      for (let i = 0; i < levels; i++) value = i % 2 ? { a: value } : [value];
      return value;
    };
    expect(() => hashJson(nest(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => hashJson(nest(MAX_JSON_DEPTH + 1))).toThrow(JsonTooDeepError);
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

describe('makeId', () => {
  it('is the prefix and base-62 characters, the same for the same generator state', () => {
    const id = makeId(createRng(1), 'msg_01', 22);
    expect(id).toMatch(/^msg_01[0-9A-Za-z]{22}$/);
    expect(makeId(createRng(1), 'msg_01', 22)).toBe(id);
    expect(makeId(createRng(2), 'msg_01', 22)).not.toBe(id);
  });

  it('draws every character of the alphabet, and fresh ids differ', () => {
    const rng = createRng(3);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) for (const c of makeId(rng, '', 24)) seen.add(c);
    expect(seen.size).toBe(62);
    expect(randomId('req_', 20)).not.toBe(randomId('req_', 20));
  });

  it('in base58 draws all 58 characters and never 0, O, I or l', () => {
    const rng = createRng(4);
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) for (const c of makeId(rng, '', 22, BASE58)) seen.add(c);
    expect(seen.size).toBe(58);
    for (const c of ['0', 'O', 'I', 'l']) expect(seen.has(c)).toBe(false);
    expect(randomId('req_011C', 20, BASE58)).toMatch(/^req_011C[1-9A-HJ-NP-Za-km-z]{20}$/);
  });
});

describe('randomHex', () => {
  it('gives exactly the digits asked for, different each call, every hex digit about equally often', () => {
    for (const length of [1, 7, 8, 9, 32]) expect(randomHex(length)).toMatch(new RegExp(`^[0-9a-f]{${length}}$`));
    const ids = Array.from({ length: 2000 }, () => randomHex(32));
    expect(new Set(ids).size).toBe(ids.length);
    const counts = new Map<string, number>();
    for (const id of ids) for (const digit of id) counts.set(digit, (counts.get(digit) ?? 0) + 1);
    expect(counts.size).toBe(16);
    // 64,000 digits: 4,000 expected each; a digit drawn from the wrong bits would be far off.
    for (const count of counts.values()) expect(Math.abs(count - 4000)).toBeLessThan(400);
  });
});
