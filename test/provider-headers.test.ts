/** The headers each Anthropic-native document promises, on real answers. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin, type Engine } from '../src/standin.js';

let engine: Engine;
beforeAll(async () => {
  engine = createStandin({ documents: await loadDocuments(['bytespike', 'anthropic']) });
});

function post(provider: string, body: Record<string, unknown>, prefer?: string): Promise<Response> {
  return engine.fetch(
    new Request(`http://standin/${provider}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01', ...(prefer ? { prefer } : {}) },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], ...body }),
    }),
  );
}

describe('ByteSpike', () => {
  it('sends the estimated credits in the headers, before the first SSE event', async () => {
    const res = await post('bytespike', { stream: true });
    const estimate = Number(res.headers.get('x-bytespike-estimated-credits'));
    expect(estimate).toBeGreaterThan(0);
    // The worst case: every allowed output token at the output price, plus the input.
    expect(estimate).toBeGreaterThanOrEqual((100 * 5) / 1e6);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first.startsWith('event: message_start')).toBe(true);
    await reader.cancel();
  });

  it('sends its rate-limit and quota headers on answers and errors', async () => {
    for (const res of [await post('bytespike', {}), await post('bytespike', {}, 'code=429')]) {
      for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-quota-remaining-credits', 'request-id']) {
        expect(res.headers.get(name), `${res.status} ${name}`).not.toBeNull();
      }
    }
  });

  it('caps max_tokens at 8192 (served capped, see output-caps.test.ts) and temperature at 1', async () => {
    const tooMany = await post('bytespike', { max_tokens: 8193 });
    expect(tooMany.status).toBe(200);
    expect(tooMany.headers.get('x-standin-diagnostic')).toMatch(/max_tokens 8193 .*8192/);
    const tooHot = await post('bytespike', { temperature: 1.5 });
    expect(tooHot.status).toBe(400);
    expect((await tooHot.json()).error.message).toMatch(/^temperature: /);
  });
});

describe('Anthropic', () => {
  it('sends rate-limit headers with RFC 3339 resets on answers', async () => {
    const res = await post('anthropic', {});
    expect(res.headers.get('anthropic-ratelimit-requests-limit')).toMatch(/^\d+$/);
    expect(Date.parse(res.headers.get('anthropic-ratelimit-requests-reset')!)).toBeGreaterThan(Date.now());
  });

  it('sends retry-after on a 429, overridable per request', async () => {
    expect((await post('anthropic', {}, 'code=429')).headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await post('anthropic', {}, 'code=429, retry-after=7')).headers.get('retry-after')).toBe('7');
  });

  it('answers a Prefer code the document does not list with a standin problem naming the documented ones', async () => {
    const res = await post('anthropic', {}, 'code=418');
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await res.json()).detail).toMatch(/429/);
  });
});
