/**
 * Rate limits (`--rate-limit`, `createStandin({ rateLimits })`) through the Node server, MSW and the
 * fetch drop-in: the headers count down per key, a spent budget gets the provider's documented 429
 * with retry-after in standin's clock, other keys and sessions are unaffected, and the clock or a reset
 * brings the budget back. Without limits the documents' advertised budgets are counted, not enforced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin, parseRateLimit } from '../src/standin.js';
import { connect, TRANSPORTS, type Transport } from './support/transports.js';

const anthropicBody = JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello, limits' }] });
const chatBody = JSON.stringify({ model: 'anthropic/claude-haiku-4.5', messages: [{ role: 'user', content: 'Hello, limits' }] });

function anthropic(t: Transport, key: string, session?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' };
  if (session) headers['x-standin-session'] = session;
  return t.fetch('/anthropic/v1/messages', { method: 'POST', headers, body: anthropicBody });
}

function chat(t: Transport, key: string): Promise<Response> {
  return t.fetch('/aigateway/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: chatBody });
}

async function advance(t: Transport, ms: number): Promise<void> {
  const res = await t.fetch('/_standin/clock', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: ms }) });
  expect(res.status).toBe(200);
}

for (const name of TRANSPORTS) {
  describe(`--rate-limit requests=3 through the ${name}`, () => {
    let t: Transport;
    beforeAll(async () => {
      const engine = createStandin({ documents: await loadDocuments(['anthropic', 'aigateway', 'runware']), rateLimits: parseRateLimit('requests=3') });
      t = await connect(name, engine);
    });
    afterAll(() => t.close());

    it('counts 2, 1, 0 down, then answers the documented 429 with retry-after; another key is unaffected; 61 s later it is served', async () => {
      const remaining: string[] = [];
      const resets = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const res = await anthropic(t, 'sk-ant-key-a');
        expect(res.status).toBe(200);
        remaining.push(res.headers.get('anthropic-ratelimit-requests-remaining')!);
        expect(res.headers.get('anthropic-ratelimit-requests-limit')).toBe('3');
        resets.add(res.headers.get('anthropic-ratelimit-requests-reset')!);
        await res.arrayBuffer();
      }
      expect(remaining).toEqual(['2', '1', '0']);
      expect(resets.size).toBe(1);

      const refused = await anthropic(t, 'sk-ant-key-a');
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
      expect(refused.headers.get('x-should-retry')).toBe('true');
      // The reset is when the budget is back: retry-after seconds from standin's now, give or take one.
      const now = ((await (await t.fetch('/_standin/clock')).json()) as { now: number }).now;
      const reset = Date.parse(refused.headers.get('anthropic-ratelimit-requests-reset')!);
      expect(Math.abs(reset - now - retryAfter * 1000)).toBeLessThanOrEqual(1000);
      expect(await refused.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });

      const other = await anthropic(t, 'sk-ant-key-b');
      expect(other.status).toBe(200);
      expect(other.headers.get('anthropic-ratelimit-requests-remaining')).toBe('2');

      await advance(t, 61_000);
      const again = await anthropic(t, 'sk-ant-key-a');
      expect(again.status).toBe(200);
      expect(again.headers.get('anthropic-ratelimit-requests-remaining')).toBe('2');
    });

    it('keeps sessions apart, and POST /_standin/reset gives a session its budget back', async () => {
      for (let i = 0; i < 3; i++) expect((await anthropic(t, 'sk-ant-shared', 'run-1')).status).toBe(200);
      expect((await anthropic(t, 'sk-ant-shared', 'run-1')).status).toBe(429);
      expect((await anthropic(t, 'sk-ant-shared', 'run-2')).status).toBe(200);
      const reset = await t.fetch('/_standin/reset', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session: 'run-1' }) });
      expect(reset.status).toBe(200);
      const after = await anthropic(t, 'sk-ant-shared', 'run-1');
      expect(after.status).toBe(200);
      expect(after.headers.get('anthropic-ratelimit-requests-remaining')).toBe('2');
    });

    it('gives the official Anthropic SDK a RateLimitError carrying the documented headers', async () => {
      const client = new Anthropic({
        apiKey: 'sk-ant-sdk',
        baseURL: t.baseURL('anthropic'),
        fetch: t.sdkFetch,
        maxRetries: 0,
        defaultHeaders: { 'x-standin-session': `sdk-${name}` },
      });
      const params = { model: 'claude-haiku-4-5', max_tokens: 32, messages: [{ role: 'user' as const, content: 'Hi' }] };
      for (let i = 0; i < 3; i++) await client.messages.create(params);
      const error = await client.messages.create(params).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.RateLimitError);
      const headers = (error as InstanceType<typeof Anthropic.RateLimitError>).headers;
      expect(Number(headers.get('retry-after'))).toBeGreaterThan(0);
      expect(headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
      expect(headers.get('anthropic-ratelimit-requests-limit')).toBe('3');
    });

    it('answers AIgateway in its own envelope, with OpenAI-style headers the openai SDK reads', async () => {
      const durations: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await chat(t, 'sk-aig-limits');
        expect(res.status).toBe(200);
        expect(res.headers.get('x-ratelimit-remaining-requests')).toBe(String(2 - i));
        durations.push(res.headers.get('x-ratelimit-reset-requests')!);
        await res.arrayBuffer();
      }
      for (const d of durations) expect(d).toMatch(/^(\d+m)?\d+s$/);
      const client = new OpenAI({ apiKey: 'sk-aig-limits', baseURL: `${t.baseURL('aigateway')}/v1`, fetch: t.sdkFetch, maxRetries: 0 });
      const error = await client.chat.completions.create({ model: 'anthropic/claude-haiku-4.5', messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      const e = error as InstanceType<typeof OpenAI.RateLimitError>;
      expect(e.code).toBe('rate_limited');
      expect(Number(e.headers?.get('retry-after'))).toBeGreaterThan(0);
    });

    it("answers Runware's rateLimitExceeded", async () => {
      const task = (n: number) => [{ taskType: 'textInference', taskUUID: `6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a${String(n).padStart(2, '0')}`, model: 'anthropic:claude@haiku-4.5', messages: [{ role: 'user', content: 'Hi' }] }];
      const send = (n: number) => t.fetch('/runware/v1', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer rw-limits' }, body: JSON.stringify(task(n)) });
      for (let i = 0; i < 3; i++) expect((await send(i)).status).toBe(200);
      const refused = await send(3);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ errors: [{ code: 'rateLimitExceeded' }] });
    });
  });
}

describe('without --rate-limit', () => {
  let t: Transport;
  beforeAll(async () => {
    t = await connect('fetch drop-in', createStandin({ documents: await loadDocuments(['anthropic', 'bytespike']) }));
  });

  it("counts the document's advertised budgets and refuses nobody", async () => {
    const first = await anthropic(t, 'sk-ant-free');
    const body = (await first.json()) as { usage: { input_tokens: number; output_tokens: number } };
    expect(first.headers.get('anthropic-ratelimit-requests-limit')).toBe('1000');
    expect(first.headers.get('anthropic-ratelimit-requests-remaining')).toBe('999');
    expect(first.headers.get('anthropic-ratelimit-input-tokens-remaining')).toBe(String(80000 - body.usage.input_tokens));
    expect(first.headers.get('anthropic-ratelimit-output-tokens-remaining')).toBe(String(16000 - body.usage.output_tokens));
    expect(first.headers.get('anthropic-ratelimit-tokens-remaining')).toBe(String(96000 - body.usage.input_tokens - body.usage.output_tokens));
    for (let i = 0; i < 5; i++) expect((await anthropic(t, 'sk-ant-free')).status).toBe(200);
    // Every budget was used, so each is back when its own window ends: a minute after the first request.
    const now = ((await (await t.fetch('/_standin/clock')).json()) as { now: number }).now;
    for (const bucket of ['requests', 'tokens', 'input-tokens', 'output-tokens']) {
      const reset = Date.parse(first.headers.get(`anthropic-ratelimit-${bucket}-reset`)!);
      expect(reset - now).toBeGreaterThan(55_000);
      expect(reset - now).toBeLessThanOrEqual(60_000);
    }
  });

  it("counts ByteSpike's spend in dollars against its 5-hour window, reset as a Unix time", async () => {
    const send = () =>
      t.fetch('/bytespike/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'sk-byts-spend', 'anthropic-version': '2023-06-01' }, body: anthropicBody });
    const first = await send();
    const { usage } = (await first.json()) as { usage: { input_tokens: number; output_tokens: number } };
    const cost = (usage.input_tokens * 1 + usage.output_tokens * 5) / 1e6;
    expect(Number(first.headers.get('x-ratelimit-limit'))).toBe(50);
    expect(Number(first.headers.get('x-ratelimit-remaining'))).toBeCloseTo(50 - cost, 6);
    const now = ((await (await t.fetch('/_standin/clock')).json()) as { now: number }).now;
    const reset = Number(first.headers.get('x-ratelimit-reset'));
    expect(reset * 1000 - now).toBeGreaterThan(5 * 3600_000 - 2000);
    expect(reset * 1000 - now).toBeLessThanOrEqual(5 * 3600_000 + 1000);
  });
});

describe('the cost of counting', () => {
  it('is one increment call per request when nothing is enforced, and none at a provider that shows no budget', async () => {
    const { createMemoryStore } = await import('../src/standin.js');
    const inner = createMemoryStore();
    const calls: string[] = [];
    const store = Object.fromEntries(
      Object.entries(inner).map(([name, fn]) => [
        name,
        (...args: unknown[]) => {
          // Session-scoped keys only: the journal and the clock live outside sessions.
          const key = Array.isArray(args[0]) ? String(args[0][0]?.[0]) : String(args[0]);
          if (/increment/i.test(name) && !key.startsWith('\u0001')) calls.push(name);
          return (fn as (...a: unknown[]) => unknown)(...args);
        },
      ]),
    ) as unknown as typeof inner;
    const t = await connect('fetch drop-in', createStandin({ documents: await loadDocuments(['anthropic', 'skillboss']), store }));
    for (let i = 0; i < 3; i++) expect((await anthropic(t, 'sk-ant-cost')).status).toBe(200);
    expect(calls).toEqual(['incrementMany', 'incrementMany', 'incrementMany']);
    calls.length = 0;
    const skillboss = await t.fetch('/skillboss/v1/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-sb-cost', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'anthropic/claude-haiku-4-5', max_tokens: 32, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(skillboss.status).toBe(200);
    expect(calls).toEqual([]);
  });
});

describe('parseRateLimit', () => {
  it('reads the flag and refuses what it cannot mean', () => {
    expect(parseRateLimit('requests=3,input-tokens=1000,output-tokens=50')).toEqual({ requests: 3, 'input-tokens': 1000, 'output-tokens': 50 });
    for (const bad of ['requests', 'requests=0', 'requests=1.5', 'tokens=4', 'requests=3=4', 'requests=-1']) {
      expect(() => parseRateLimit(bad)).toThrow(/--rate-limit takes/);
    }
  });
});
