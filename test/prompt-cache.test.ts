/**
 * Prompt caching at the Anthropic-native providers: a `cache_control` breakpoint writes the prefix on the
 * first request and reads it on a repeat within the TTL (standin's clock); sessions, keys and providers
 * have their own entries; a prefix under Haiku 4.5's 4096-token minimum is never cached. Through the
 * Node server, MSW and the fetch drop-in, with the official SDK reading the usage fields; every answer
 * validates against the provider's document.
 */
import { describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { setupServer } from 'msw/node';
import { createFetch } from '../src/adapters/fetch.js';
import { createMswHandlers, drainMockedClones } from '../src/adapters/msw.js';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin } from '../src/standin.js';
import { responseValidator, streamEventValidator } from '../src/core/schema-pointers.js';
import { parseSseText } from '../src/contract/parse-sse.js';
import { anthropicNative, useServer } from './support/server.js';

type Obj = Record<string, any>;

/** About 8,000 tokens (standin counts four characters a token). */
const LONG_SYSTEM = 'You are the archivist of a river museum. '.repeat(780);
/** About 1,000 tokens: under the 4096-token minimum for Haiku 4.5. */
const SHORT_SYSTEM = 'You are brief. '.repeat(260);

const server = useServer(['skillboss', 'bytespike', 'anthropic']);

function cachedBody(model: string, system = LONG_SYSTEM, ttl?: '5m' | '1h', extra: Obj = {}): Obj {
  return {
    model,
    max_tokens: 64,
    system: [{ type: 'text', text: system, cache_control: ttl ? { type: 'ephemeral', ttl } : { type: 'ephemeral' } }],
    messages: [{ role: 'user', content: 'Which river floods first in spring?' }],
    ...extra,
  };
}

async function post(provider: string, body: Obj, headers: Record<string, string> = {}): Promise<{ status: number; body: Obj; text: string }> {
  const res = await fetch(`${server.url}/${provider}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-cache-test', 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: body.stream ? {} : JSON.parse(text), text };
}

function validate(providerName: string, message: Obj): void {
  const provider = server.standin.providers.find((p) => p.name === providerName)!;
  const op = provider.operations.find((o) => o.operationId === 'createMessage')!;
  const check = responseValidator(server.standin.ajv, provider, op, 200)!;
  expect(check(message), JSON.stringify(check.errors)).toBe(true);
}

describe.each(anthropicNative)('$provider: a cached system prompt', ({ provider, model }) => {
  const session = (name: string) => ({ 'x-standin-session': `${provider}-${name}` });

  it('is written by the first request and read by a repeat; input_tokens counts only the rest', async () => {
    const first = await post(provider, cachedBody(model), session('a'));
    expect(first.status).toBe(200);
    validate(provider, first.body);
    const u1 = first.body.usage;
    expect(u1.cache_creation_input_tokens).toBeGreaterThan(7_000);
    expect(u1.cache_read_input_tokens).toBe(0);
    expect(u1.cache_creation).toEqual({ ephemeral_5m_input_tokens: u1.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 });
    expect(u1.input_tokens).toBeLessThan(50);

    const second = await post(provider, cachedBody(model), session('a'));
    validate(provider, second.body);
    const u2 = second.body.usage;
    expect(u2.cache_read_input_tokens).toBe(u1.cache_creation_input_tokens);
    expect(u2.cache_creation_input_tokens).toBe(0);
    expect(u2.input_tokens).toBe(u1.input_tokens);
    // The total input is the same either way.
    const total = (u: Obj) => u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
    expect(total(u2)).toBe(total(u1));
  });

  it('another session, another key, another provider each write their own entry', async () => {
    await post(provider, cachedBody(model), session('b'));
    expect((await post(provider, cachedBody(model), session('c'))).body.usage.cache_read_input_tokens).toBe(0);
    const otherKey = await post(provider, cachedBody(model), { ...session('b'), 'x-api-key': 'sk-another-key' });
    expect(otherKey.body.usage.cache_read_input_tokens).toBe(0);
    expect(otherKey.body.usage.cache_creation_input_tokens).toBeGreaterThan(7_000);
  });

  it('a prefix under the minimum is never cached', async () => {
    for (let i = 0; i < 2; i++) {
      const usage = (await post(provider, cachedBody(model, SHORT_SYSTEM), session('short'))).body.usage;
      expect(usage.cache_creation_input_tokens).toBe(0);
      expect(usage.cache_read_input_tokens).toBe(0);
      expect(usage.input_tokens).toBeGreaterThan(900);
    }
  });

  it('refuses a 1h breakpoint after a 5m one, and finds an entry 20 blocks back (Anthropic rules, from the document)', async () => {
    const late = cachedBody(model, LONG_SYSTEM, '5m', { messages: [{ role: 'user', content: [{ type: 'text', text: 'Which river?', cache_control: { type: 'ephemeral', ttl: '1h' } }] }] });
    const refused = await post(provider, late, session('order'));
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("messages.0.content.0.cache_control.ttl: a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block.");
    const notes = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'text', text: `Note ${i}.` }));
    const grown = { model, max_tokens: 16, system: LONG_SYSTEM, messages: [{ role: 'user', content: [{ type: 'text', text: 'The ledger.' }, ...notes(20)] }] };
    const first = { ...grown, messages: [{ role: 'user', content: [{ type: 'text', text: 'The ledger.', cache_control: { type: 'ephemeral' } }] }] };
    const written = (await post(provider, first, session('lookback'))).body.usage.cache_creation_input_tokens;
    (grown.messages[0]!.content.at(-1) as Obj).cache_control = { type: 'ephemeral' };
    expect((await post(provider, grown, session('lookback'))).body.usage.cache_read_input_tokens).toBe(written);
  });

  it('streams report the same usage in message_start and message_delta', async () => {
    const plain = (await post(provider, cachedBody(model), session('stream'))).body.usage;
    const streamed = await post(provider, cachedBody(model, LONG_SYSTEM, undefined, { stream: true }), session('stream'));
    const events = parseSseText(streamed.text).map((e) => ({ event: e.event, data: JSON.parse(e.data) as Obj }));
    const p = server.standin.providers.find((x) => x.name === provider)!;
    const check = streamEventValidator(server.standin.ajv, p, p.operations.find((o) => o.operationId === 'createMessage')!)!;
    for (const e of events) expect(check(e.data), JSON.stringify(check.errors)).toBe(true);
    const start = events.find((e) => e.event === 'message_start')!.data.message.usage;
    const delta = events.find((e) => e.event === 'message_delta')!.data.usage;
    expect(plain.cache_creation_input_tokens).toBeGreaterThan(7_000);
    expect(start.cache_read_input_tokens).toBe(plain.cache_creation_input_tokens);
    expect(start.cache_creation).toEqual({ ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 });
    expect(delta.cache_read_input_tokens).toBe(start.cache_read_input_tokens);
    expect(delta.input_tokens).toBe(start.input_tokens);
  });
});

describe('TTLs follow standin clock', () => {
  it('a 5m entry is written again after five minutes; a 1h entry is still read', async () => {
    const isolated = createStandin({ documents: await loadDocuments(['anthropic']) });
    const send = async (body: Obj) => {
      const res = await isolated.fetch(new Request('http://standin.local/anthropic/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ttl', 'anthropic-version': '2023-06-01' }, body: JSON.stringify(body) }));
      return ((await res.json()) as Obj).usage;
    };
    const fiveMinutes = cachedBody('claude-haiku-4-5');
    const oneHour = cachedBody('claude-haiku-4-5', `${LONG_SYSTEM} Keep the hour.`, '1h');
    expect((await send(fiveMinutes)).cache_creation.ephemeral_5m_input_tokens).toBeGreaterThan(7_000);
    expect((await send(oneHour)).cache_creation.ephemeral_1h_input_tokens).toBeGreaterThan(7_000);
    await isolated.clock.advance(4 * 60_000);
    expect((await send(fiveMinutes)).cache_read_input_tokens).toBeGreaterThan(7_000); // a hit refreshes the TTL
    await isolated.clock.advance(5 * 60_000 + 1);
    const again = await send(fiveMinutes);
    expect(again.cache_read_input_tokens).toBe(0);
    expect(again.cache_creation_input_tokens).toBeGreaterThan(7_000);
    expect((await send(oneHour)).cache_read_input_tokens).toBeGreaterThan(7_000);
    await isolated.clock.advance(60 * 60_000 + 1);
    expect((await send(oneHour)).cache_read_input_tokens).toBe(0);
  });

  it('reads the longest cached prefix and writes only what follows it', async () => {
    const isolated = createStandin({ documents: await loadDocuments(['anthropic']) });
    const send = async (body: Obj) => {
      const res = await isolated.fetch(new Request('http://standin.local/anthropic/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'sk-prefix', 'anthropic-version': '2023-06-01' }, body: JSON.stringify(body) }));
      return ((await res.json()) as Obj).usage;
    };
    const first = await send(cachedBody('claude-haiku-4-5'));
    const history = 'An earlier turn about the museum archive and its flood records. '.repeat(150);
    const longer = cachedBody('claude-haiku-4-5', LONG_SYSTEM, undefined, {
      messages: [
        { role: 'user', content: [{ type: 'text', text: history, cache_control: { type: 'ephemeral' } }] },
        { role: 'assistant', content: 'Noted.' },
        { role: 'user', content: 'And the second river?' },
      ],
    });
    const second = await send(longer);
    expect(second.cache_read_input_tokens).toBe(first.cache_creation_input_tokens);
    expect(second.cache_creation_input_tokens).toBeGreaterThan(2_000);
    expect(second.cache_creation_input_tokens).toBeLessThan(3_000);
    const third = await send(longer);
    expect(third.cache_read_input_tokens).toBe(second.cache_read_input_tokens + second.cache_creation_input_tokens);
  });

  it('refuses more than four breakpoints with the provider 400', async () => {
    const res = await fetch(`${server.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-cache-test', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'claude-haiku-4-5',
        max_tokens: 16,
        system: Array.from({ length: 5 }, (_, i) => ({ type: 'text', text: `part ${i}`, cache_control: { type: 'ephemeral' } })),
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Obj;
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toBe('A maximum of 4 blocks with cache_control may be provided. Found 5.');
  });
});

describe('the official SDK reads the cache usage', () => {
  const params = (): Anthropic.MessageCreateParams => ({
    model: 'claude-haiku-4-5',
    max_tokens: 32,
    system: [{ type: 'text', text: LONG_SYSTEM, cache_control: { type: 'ephemeral', ttl: '1h' } }],
    messages: [{ role: 'user', content: 'Hello' }],
  });

  it('through the fetch drop-in', async () => {
    const inProcess = createStandin({ documents: await loadDocuments(['anthropic']) });
    const client = new Anthropic({ apiKey: 'sk-sdk', baseURL: 'http://standin.invalid/anthropic', fetch: createFetch(inProcess) });
    const first = (await client.messages.create(params())) as Anthropic.Message;
    expect(first.usage.cache_creation?.ephemeral_1h_input_tokens).toBeGreaterThan(7_000);
    const second = await client.messages.stream(params()).finalMessage();
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
  });

  it('through MSW handlers at the real base URL', async () => {
    const inProcess = createStandin({ documents: await loadDocuments(['anthropic']), mount: 'root' });
    const msw = setupServer(...createMswHandlers(inProcess, 'https://api.anthropic.com'));
    msw.listen({ onUnhandledRequest: 'error' });
    drainMockedClones(msw);
    try {
      const client = new Anthropic({ apiKey: 'sk-sdk' });
      const first = (await client.messages.create(params())) as Anthropic.Message;
      const second = (await client.messages.create(params())) as Anthropic.Message;
      expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(7_000);
      expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
      const other = (await client.messages.create(params(), { headers: { 'x-standin-session': 'elsewhere' } })) as Anthropic.Message;
      expect(other.usage.cache_read_input_tokens).toBe(0);
    } finally {
      msw.close();
    }
  });
});

describe('the hot path', () => {
  it('a request without cache_control reads and writes no prompt-cache state', async () => {
    const { createMemoryStore } = await import('../src/standin.js');
    const inner = createMemoryStore();
    let calls = 0;
    const counted = Object.fromEntries(
      Object.entries(inner).map(([name, fn]) => [
        name,
        (...args: unknown[]) => {
          // Only the prompt cache's keys: rate limits count every request, the journal records it.
          if (typeof args[0] === 'string' && args[0].includes('\u0000prompt-cache\u0000')) calls++;
          return (fn as (...a: unknown[]) => unknown)(...args);
        },
      ]),
    ) as unknown as typeof inner;
    const quiet = createStandin({ documents: await loadDocuments(['anthropic']), store: counted });
    const res = await quiet.fetch(new Request('http://standin.local/anthropic/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'sk-q', 'anthropic-version': '2023-06-01' }, body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 16, system: LONG_SYSTEM, messages: [{ role: 'user', content: 'Hi' }] }) }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as Obj).usage.cache_read_input_tokens).toBe(0);
    expect(calls).toBe(0);
    const cached = await quiet.fetch(new Request('http://standin.local/anthropic/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'sk-q', 'anthropic-version': '2023-06-01' }, body: JSON.stringify(cachedBody('claude-haiku-4-5')) }));
    expect(cached.status).toBe(200);
    expect(calls).toBeGreaterThan(0);
  });
});

describe('Anthropic rules the guide states, through the official SDK', () => {
  const sdk = async (store?: ReturnType<typeof import('../src/standin.js').createMemoryStore>) => {
    const inProcess = createStandin({ documents: await loadDocuments(['anthropic']), ...(store ? { store } : {}) });
    return new Anthropic({ apiKey: 'sk-rules', baseURL: 'http://standin.invalid/anthropic', fetch: createFetch(inProcess), maxRetries: 0 });
  };
  const ephemeral = (ttl?: '5m' | '1h') => (ttl ? { type: 'ephemeral' as const, ttl } : { type: 'ephemeral' as const });
  /** A long uncached system prompt, then one user turn: a large block, then `extra` small blocks; `marks` are block indexes carrying cache_control (the last by default). */
  const turn = (extra: number, marks: number[] = [extra]): Anthropic.MessageCreateParams => ({
    model: 'claude-haiku-4-5',
    max_tokens: 16,
    system: LONG_SYSTEM,
    messages: [
      {
        role: 'user',
        content: Array.from({ length: extra + 1 }, (_, i) => ({
          type: 'text' as const,
          text: i === 0 ? 'The flood ledger for the spring of 1952. '.repeat(40) : `Note ${i}.`,
          ...(marks.includes(i) ? { cache_control: ephemeral() } : {}),
        })),
      },
    ],
  });
  const usageOf = async (client: Anthropic, params: Anthropic.MessageCreateParams, session: string) =>
    ((await client.messages.create(params, { headers: { 'x-standin-session': session } })) as Anthropic.Message).usage;

  it('a breakpoint finds an entry written up to 20 blocks before it, not 21', async () => {
    const client = await sdk();
    for (const [session, extra, found] of [['near', 20, true], ['far', 21, false]] as const) {
      const first = await usageOf(client, turn(0), session);
      expect(first.cache_creation_input_tokens).toBeGreaterThan(8_000);
      const later = await usageOf(client, turn(extra), session);
      if (found) {
        expect(later.cache_read_input_tokens).toBe(first.cache_creation_input_tokens);
        expect(later.cache_creation_input_tokens).toBeGreaterThan(0);
        expect(later.cache_creation_input_tokens).toBeLessThan(200);
      } else {
        expect(later.cache_read_input_tokens).toBe(0);
        expect(later.cache_creation_input_tokens).toBeGreaterThan(first.cache_creation_input_tokens!);
      }
    }
  });

  it('a second breakpoint within 20 blocks of the old entry finds it again', async () => {
    const client = await sdk();
    const first = await usageOf(client, turn(0), 'rescued');
    const later = await usageOf(client, turn(21, [5, 21]), 'rescued');
    expect(later.cache_read_input_tokens).toBe(first.cache_creation_input_tokens);
  });

  it('the lookback works across processes sharing a store', async () => {
    const { createMemoryStore } = await import('../src/standin.js');
    const store = createMemoryStore();
    const first = await usageOf(await sdk(store), turn(0), 'shared');
    const later = await usageOf(await sdk(store), turn(12), 'shared');
    expect(later.cache_read_input_tokens).toBe(first.cache_creation_input_tokens);
  });

  it('a 1h breakpoint after a 5m one is refused with the API 400; 1h before 5m is billed A, B - A, C - B', async () => {
    const client = await sdk();
    const refused = async (params: Anthropic.MessageCreateParams) => {
      const error = await client.messages.create(params).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      return ((error as InstanceType<typeof Anthropic.BadRequestError>).error as Obj).error;
    };
    const note = "a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are processed in the following order: `tools`, `system`, `messages`.";
    const history = 'An earlier turn about the museum archive and its flood records. '.repeat(150);
    const mixed = (systemTtl: '5m' | '1h' | undefined, messageTtl: '5m' | '1h'): Anthropic.MessageCreateParams => ({
      model: 'claude-haiku-4-5',
      max_tokens: 16,
      system: [{ type: 'text', text: LONG_SYSTEM, cache_control: ephemeral(systemTtl) }],
      messages: [{ role: 'user', content: [{ type: 'text', text: history, cache_control: ephemeral(messageTtl) }, { type: 'text', text: 'Which river?' }] }],
    });
    const late = await refused(mixed(undefined, '1h'));
    expect(late).toEqual({ type: 'invalid_request_error', message: `messages.0.content.0.cache_control.ttl: ${note}` });
    const tools = await refused({ ...mixed('1h', '1h'), tools: [{ name: 'gauge', description: 'Reads a river gauge.', input_schema: { type: 'object' }, cache_control: ephemeral('5m') }] });
    expect(tools.message).toBe(`system.0.cache_control.ttl: ${note}`);
    const topLevel = await refused({ ...mixed('5m', '5m'), cache_control: ephemeral('1h') } as Anthropic.MessageCreateParams);
    expect(topLevel.message).toBe(`cache_control.ttl: ${note}`);

    const first = (await client.messages.create(mixed('1h', '5m'))) as Anthropic.Message;
    expect(first.usage.cache_creation?.ephemeral_1h_input_tokens).toBeGreaterThan(7_000);
    expect(first.usage.cache_creation?.ephemeral_5m_input_tokens).toBeGreaterThan(2_000);
    expect(first.usage.cache_creation?.ephemeral_5m_input_tokens).toBeLessThan(3_000);
    const sameSystem = (await client.messages.create(mixed('1h', '5m'))) as Anthropic.Message;
    expect(sameSystem.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
  });
});

describe('the top-level cache_control, as the guide\'s edge cases say, through the official SDK', () => {
  const client = async () => new Anthropic({ apiKey: 'sk-auto', baseURL: 'http://standin.invalid/anthropic', fetch: createFetch(createStandin({ documents: await loadDocuments(['anthropic']) })), maxRetries: 0 });
  const marked = (n: number, ttl?: '1h') => Array.from({ length: n }, (_, i) => ({ type: 'text' as const, text: `${LONG_SYSTEM} Part ${i}.`, cache_control: ttl ? { type: 'ephemeral' as const, ttl } : { type: 'ephemeral' as const } }));
  const params = (content: Obj[], top: Obj): Anthropic.MessageCreateParams => ({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: content as Anthropic.ContentBlockParam[] }], cache_control: top } as Anthropic.MessageCreateParams);
  const failure = (sdk: Anthropic, p: Anthropic.MessageCreateParams) => sdk.messages.create(p).then(() => undefined, (e: { status: number; error: Obj }) => ({ status: e.status, message: e.error.error.message as string }));

  it('on a last block already marked with the same TTL it is a no-op and takes no slot; another TTL is a 400', async () => {
    const sdk = await client();
    const same = (await sdk.messages.create(params(marked(4), { type: 'ephemeral' }))) as Anthropic.Message;
    expect(same.usage.cache_creation_input_tokens).toBeGreaterThan(30_000);
    expect(await failure(sdk, params([...marked(4), { type: 'text', text: 'Which river?' }], { type: 'ephemeral' }))).toEqual({ status: 400, message: 'A maximum of 4 blocks with cache_control may be provided. Found 5.' });
    expect(await failure(sdk, params(marked(1), { type: 'ephemeral', ttl: '1h' }))).toEqual({
      status: 400,
      message: "cache_control.ttl: the top-level cache_control (ttl='1h') falls on messages.0.content.0, which already has a cache_control with ttl='5m'; the two must agree.",
    });
  });

  it('walks back past a thinking block to the block before it', async () => {
    const sdk = await client();
    const ledger = { type: 'text', text: `${LONG_SYSTEM} The ledger.` };
    const first = (await sdk.messages.create(params([ledger, { type: 'thinking', thinking: 'Weighing the floods.', signature: 'sig' }], { type: 'ephemeral' }))) as Anthropic.Message;
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(7_000);
    const repeat = (await sdk.messages.create({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: [{ ...ledger, type: 'text', cache_control: { type: 'ephemeral' } }] }] })) as Anthropic.Message;
    expect(repeat.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
  });
});
