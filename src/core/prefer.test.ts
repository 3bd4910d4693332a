import { describe, expect, it } from 'vitest';
import { parsePrefer } from './prefer.js';

describe('parsePrefer', () => {
  it('reads Prism-style directives from the header', () => {
    const p = parsePrefer('code=429, fail-first=1; retry-after=0', new URLSearchParams());
    expect(p).toMatchObject({ code: 429, failFirst: 1, retryAfter: 0, unknown: [] });
  });

  it('reads __-prefixed query parameters when there is no header', () => {
    const p = parsePrefer(null, new URLSearchParams('__code=503&__stream-error=overloaded_error&other=1'));
    expect(p).toMatchObject({ code: 503, streamError: 'overloaded_error' });
  });

  it('prefers the header over the query', () => {
    expect(parsePrefer('code=500', new URLSearchParams('__code=429')).code).toBe(500);
  });

  it('reports directives it does not understand, and bad numbers', () => {
    const p = parsePrefer('code=abc, colour=blue, dynamic=true', new URLSearchParams());
    expect(p.code).toBeUndefined();
    expect(p.unknown).toEqual(['code', 'colour']);
  });
});
