/**
 * Deterministic hashing and pseudo-randomness. Responses are a pure function of the request, so every
 * "random" choice draws from a generator seeded by a hash of it. No Node APIs: this runs in browsers too.
 */

/** 32-bit FNV-1a over the UTF-16 code units of a string. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** One FNV-1a step over a whole number (a type tag or a length). */
export const mix = (h: number, n: number): number => Math.imul(h ^ n, 0x01000193) >>> 0;

/** How deep a JSON value may nest before `hashJson` refuses it (far beyond any real request). */
export const MAX_JSON_DEPTH = 1000;

/** A value nested deeper than MAX_JSON_DEPTH: refused before anything recursive overflows the stack. */
export class JsonTooDeepError extends Error {
  constructor() {
    super(`JSON nested more than ${MAX_JSON_DEPTH} levels deep`);
  }
}

/**
 * FNV-1a over a parsed JSON value: its structure, keys in order and text, without serialising it first
 * (several times faster than hashing `JSON.stringify(value)`, which the engine did on every request).
 * Top-level keys in `skip` are left out. Lengths are mixed in, so `["ab","c"]` and `["a","bc"]` differ.
 */
export function hashJson(value: unknown, skip?: ReadonlySet<string>, h = 0x811c9dc5, depth = 0): number {
  if (depth > MAX_JSON_DEPTH) throw new JsonTooDeepError();
  switch (typeof value) {
    case 'string':
      return hashString(value, mix(h, value.length));
    case 'number':
      return hashString(String(value), mix(h, 0x23));
    case 'boolean':
      return mix(h, value ? 0x74 : 0x66);
    case 'object': {
      if (value === null) return mix(h, 0x6e);
      if (Array.isArray(value)) {
        h = mix(h, 0x5b ^ value.length);
        for (const item of value) h = hashJson(item, undefined, h, depth + 1);
        return h;
      }
      h = mix(h, 0x7b);
      for (const key in value) {
        if (skip?.has(key)) continue;
        h = hashJson((value as Record<string, unknown>)[key], undefined, hashString(key, mix(h, key.length)), depth + 1);
      }
      return mix(h, 0x7d);
    }
    default:
      return h;
  }
}

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

/** mulberry32: small, fast and good enough for picking words. A class: one object per generator. */
class Mulberry32 implements Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

export function createRng(seed: number): Rng {
  return new Mulberry32(seed);
}

/** The characters an id draws from, prepared once: five digits come from each draw (radix^5 < 2^32). */
export interface IdAlphabet {
  readonly codes: readonly number[];
  readonly radix: number;
  readonly range: number;
}

function idAlphabet(characters: string): IdAlphabet {
  return { codes: Array.from(characters, (c) => c.charCodeAt(0)), radix: characters.length, range: characters.length ** 5 };
}

/** Digits and both cases: OpenAI's `chatcmpl-` and `call_` ids. */
export const BASE62 = idAlphabet('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz');
/**
 * Bitcoin's base58, which leaves out the look-alikes 0, O, I and l: the alphabet of Anthropic's
 * `msg_01…`, `toolu_01…` and `req_011C…` ids after their fixed version prefix.
 */
export const BASE58 = idAlphabet('123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz');

/** An id such as `chatcmpl-…`: a prefix and characters of the alphabet drawn from the generator. */
export function makeId(rng: Rng, prefix: string, length = 24, alphabet: IdAlphabet = BASE62): string {
  // Five digits per draw, and one string from their codes: a draw and a new string per character
  // were a visible part of every request.
  const { codes: table, radix, range } = alphabet;
  const codes = new Array<number>(length);
  for (let i = 0; i < length; ) {
    let draw = Math.floor(rng.next() * range);
    for (let d = 0; d < 5 && i < length; d++, i++) {
      codes[i] = table[draw % radix]!;
      draw = Math.floor(draw / radix);
    }
  }
  return prefix + String.fromCharCode(...codes);
}

// Request ids must differ between identical requests, but need no cryptographic strength: one
// generator, seeded once from the platform's random source, is fast on the hot path.
const seedWords = new Uint32Array(1);
crypto.getRandomValues(seedWords);
const fresh = createRng(seedWords[0]!);

/** A fresh id, different on every call. */
export function randomId(prefix: string, length = 24, alphabet: IdAlphabet = BASE62): string {
  return makeId(fresh, prefix, length, alphabet);
}

/** Lower-case hex digits, as an id alphabet. */
const HEX = idAlphabet('0123456789abcdef');

/** Fresh hex digits, different on every call (ids such as OpenAI's `req_` + 32 hex). */
export function randomHex(length: number): string {
  return randomId('', length, HEX);
}

/** A UUID v4 drawn from the generator (deterministic where the generator is). */
export function makeUuid(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rng.next() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
