import { describe, expect, it } from 'vitest';
import { jsonBodyOf } from './json-body.js';
import { usageOf } from './outcome/settle.js';
import type { OperationContext } from './types.js';

describe('jsonBodyOf', () => {
  it('reads a body written as text from the text, and an object body as it is', () => {
    expect(jsonBodyOf({ kind: 'json', body: undefined, jsonText: '{"usage":{"input_tokens":3}}' })).toEqual({ usage: { input_tokens: 3 } });
    const body = { id: 'x' };
    expect(jsonBodyOf({ kind: 'json', body, jsonText: '{"id":"y"}' })).toBe(body);
    expect(jsonBodyOf({ kind: 'json', body: null })).toBeNull();
  });

  it('is what the settle step reads usage from when a result gives no usage of its own', () => {
    const ctx = { provider: { profile: { usageOf: (b: unknown) => (b as { usage: unknown }).usage } } } as unknown as OperationContext;
    expect(usageOf(ctx, { kind: 'json', body: undefined, jsonText: '{"usage":{"inputTokens":5}}' })).toEqual({ inputTokens: 5 });
  });
});
