/**
 * Prompt caching the way AIgateway (OpenAI-compatible, automatic) and Runware (`settings.cache`) report
 * it: a long prompt is written then read within the TTL in standin's clock; short prompts and tasks
 * without `settings.cache` never are; answers validate against the documents. Through the Node server
 * and with the openai SDK in process.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createFetch } from '../src/adapters/fetch.js';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin } from '../src/standin.js';
import { responseValidator } from '../src/core/schema-pointers.js';
import { parseSseText } from '../src/contract/parse-sse.js';
import { useServer } from './support/server.js';

type Obj = Record<string, any>;

const LONG = 'The museum keeps flood records for every river in the basin, year by year. '.repeat(420); // ~8,000 tokens
const MEDIUM = 'Keep answers short. '.repeat(300); // ~1,500 tokens: over OpenAI's 1024, under Haiku's 4096

const server = useServer(['aigateway', 'runware']);

/** OpenAI reports cache hits in whole 128-token blocks (the document's `hit-increment`). */
const blocks128 = (tokens: number) => tokens - (tokens % 128);

function validate(providerName: string, operationId: string, body: Obj): void {
  const provider = server.standin.providers.find((p) => p.name === providerName)!;
  const op = provider.operations.find((o) => o.operationId === operationId)!;
  const check = responseValidator(server.standin.ajv, provider, op, 200)!;
  expect(check(body), JSON.stringify(check.errors)).toBe(true);
}

describe('AIgateway: automatic caching, reported in prompt_tokens_details', () => {
  const chat = async (messages: Obj[], session: string, extra: Obj = {}) => {
    const res = await fetch(`${server.url}/aigateway/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer gw-key', 'x-standin-session': session },
      body: JSON.stringify({ model: 'anthropic/claude-haiku-4.5', messages, ...extra }),
    });
    expect(res.status).toBe(200);
    return extra.stream ? (JSON.parse(parseSseText(await res.text()).at(-2)!.data) as Obj) : ((await res.json()) as Obj);
  };
  const conversation = [
    { role: 'system', content: LONG },
    { role: 'user', content: 'Which river flooded in 1952?' },
  ];

  it('writes a long prompt, reads it on a repeat and on the next turn; another session does not', async () => {
    const first = await chat(conversation, 'gw-a');
    validate('aigateway', 'createChatCompletion', first);
    expect(first.usage.prompt_tokens_details.cached_tokens).toBe(0);
    expect(first.usage.prompt_tokens_details.cache_write_tokens).toBe(blocks128(first.usage.prompt_tokens));
    const second = await chat(conversation, 'gw-a');
    expect(second.usage.prompt_tokens_details.cached_tokens).toBe(blocks128(first.usage.prompt_tokens));
    expect(second.usage.prompt_tokens_details.cache_write_tokens).toBe(0);
    expect(second.usage.prompt_tokens).toBe(first.usage.prompt_tokens);
    const next = await chat([...conversation, { role: 'assistant', content: second.choices[0].message.content }, { role: 'user', content: 'And in 1953?' }], 'gw-a');
    expect(next.usage.prompt_tokens_details.cached_tokens).toBe(blocks128(first.usage.prompt_tokens));
    expect(next.usage.prompt_tokens_details.cache_write_tokens).toBe(blocks128(next.usage.prompt_tokens) - blocks128(first.usage.prompt_tokens));
    expect((await chat(conversation, 'gw-b')).usage.prompt_tokens_details.cached_tokens).toBe(0);
  });

  it('the streamed usage chunk says the same; a prompt under 1024 tokens is never cached', async () => {
    await chat(conversation, 'gw-stream');
    const streamed = await chat(conversation, 'gw-stream', { stream: true, stream_options: { include_usage: true } });
    expect(streamed.usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(7_000);
    const short = [{ role: 'user', content: 'Hello there' }];
    await chat(short, 'gw-short');
    expect((await chat(short, 'gw-short')).usage.prompt_tokens_details).toMatchObject({ cached_tokens: 0, cache_write_tokens: 0 });
    await chat([{ role: 'user', content: MEDIUM }], 'gw-medium');
    expect((await chat([{ role: 'user', content: MEDIUM }], 'gw-medium')).usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(1_024);
  });

  it('counts in 128-token steps after the first 1,024: a prompt of 1,024 to 1,151 tokens reads 1,024', async () => {
    const inProcess = createStandin({ documents: await loadDocuments(['aigateway']) });
    const client = new OpenAI({ apiKey: 'gw', baseURL: 'http://standin.invalid/aigateway/v1', fetch: createFetch(inProcess) });
    // Grow the prompt a word at a time until it is just past 1,024 tokens, but short of 1,152.
    let words = 670;
    const ask = (n: number) => ({ model: 'anthropic/claude-haiku-4.5', messages: [{ role: 'user' as const, content: 'flood '.repeat(n) }] });
    let first = await client.chat.completions.create(ask(words));
    while (first.usage!.prompt_tokens < 1_030) first = await client.chat.completions.create(ask((words += 2)));
    expect(first.usage!.prompt_tokens).toBeLessThan(1_152);
    const repeat = await client.chat.completions.create(ask(words));
    expect(repeat.usage?.prompt_tokens_details?.cached_tokens).toBe(1_024);
    const longer = await client.chat.completions.create(ask(words * 2));
    const again = await client.chat.completions.create(ask(words * 2));
    expect(again.usage?.prompt_tokens_details?.cached_tokens).toBe(blocks128(longer.usage!.prompt_tokens));
    expect(again.usage!.prompt_tokens_details!.cached_tokens! % 128).toBe(0);
  });

  it('the openai SDK reads cached_tokens; entries expire after five minutes of standin clock', async () => {
    const inProcess = createStandin({ documents: await loadDocuments(['aigateway']) });
    const client = new OpenAI({ apiKey: 'gw', baseURL: 'http://standin.invalid/aigateway/v1', fetch: createFetch(inProcess) });
    const params = { model: 'anthropic/claude-haiku-4.5', messages: conversation as OpenAI.ChatCompletionMessageParam[] };
    const first = await client.chat.completions.create(params);
    const second = await client.chat.completions.create(params);
    // The whole prompt repeats, yet only its whole 128-token blocks are reported: 7,893 tokens read as 7,808.
    expect(first.usage!.prompt_tokens % 128).not.toBe(0);
    expect(second.usage?.prompt_tokens_details?.cached_tokens).toBe(blocks128(first.usage!.prompt_tokens));
    expect(second.usage?.prompt_tokens_details?.cached_tokens).toBeLessThan(first.usage!.prompt_tokens);
    await inProcess.clock.advance(5 * 60_000 + 1);
    expect((await client.chat.completions.create(params)).usage?.prompt_tokens_details?.cached_tokens).toBe(0);
  });
});

describe('Runware: settings.cache', () => {
  const task = (settings: Obj, messages: Obj[] = [{ role: 'user', content: 'Which river flooded?' }]) => ({
    taskType: 'textInference',
    taskUUID: randomUUID(),
    model: 'anthropic:claude@haiku-4.5',
    includeUsage: true,
    messages,
    settings: { systemPrompt: LONG, ...settings },
  });
  const run = async (t: Obj, session: string) => {
    const res = await fetch(`${server.url}/runware/v1`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer rw', 'x-standin-session': session }, body: JSON.stringify([t]) });
    const body = (await res.json()) as Obj;
    expect(res.status).toBe(200);
    validate('runware', 'runTasks', body);
    return body.data[0].usage;
  };

  it('caches the system prompt: written, then read; without settings.cache nothing is reported', async () => {
    const first = await run(task({ cache: { scope: 'system' } }), 'rw-a');
    expect(first.promptTokensDetails.cacheWriteTokens).toBeGreaterThan(7_000);
    expect(first.promptTokensDetails.cachedTokens).toBe(0);
    const second = await run(task({ cache: { scope: 'system' } }), 'rw-a');
    expect(second.promptTokensDetails).toEqual({ cachedTokens: first.promptTokensDetails.cacheWriteTokens, cacheWriteTokens: 0 });
    expect(second.promptTokens).toBe(first.promptTokens);
    expect((await run(task({}), 'rw-a')).promptTokensDetails).toBeUndefined();
  });

  it('system+history also caches the turns before the last user message; 1h outlives five minutes', async () => {
    const history = [
      { role: 'user', content: 'Tell me about the archive.' },
      { role: 'assistant', content: 'It holds flood records.' },
      { role: 'user', content: 'Which river flooded?' },
    ];
    const first = await run(task({ cache: { scope: 'system+history', ttl: '1h' } }, history), 'rw-h');
    await server.standin.clock.advance(10 * 60_000);
    const second = await run(task({ cache: { scope: 'system+history', ttl: '1h' } }, history), 'rw-h');
    expect(second.promptTokensDetails.cachedTokens).toBe(first.promptTokensDetails.cacheWriteTokens);
    expect(second.promptTokensDetails.cachedTokens).toBeGreaterThan(7_000);
  });

  it('a growing conversation reads the history the previous turn wrote (Claude looks back 20 blocks)', async () => {
    const turns = [
      { role: 'user', content: 'Tell me about the archive.' },
      { role: 'assistant', content: 'It holds flood records for every river in the basin since 1890.' },
      { role: 'user', content: 'Which river flooded?' },
      { role: 'assistant', content: 'The Vell, in the spring of 1952, and again in 1953.' },
      { role: 'user', content: 'How high?' },
    ];
    await run(task({ cache: {} }, turns.slice(0, 1)), 'rw-grow');
    const second = await run(task({ cache: {} }, turns.slice(0, 3)), 'rw-grow');
    expect(second.promptTokensDetails.cacheWriteTokens).toBeGreaterThan(0);
    const third = await run(task({ cache: {} }, turns), 'rw-grow');
    expect(third.promptTokensDetails.cachedTokens).toBe(second.promptTokensDetails.cachedTokens + second.promptTokensDetails.cacheWriteTokens);
    expect(third.promptTokensDetails.cacheWriteTokens).toBeGreaterThan(0);
  });

  it('a short system prompt is never cached', async () => {
    const short = { ...task({ cache: {} }), settings: { systemPrompt: 'Be brief.', cache: {} } };
    await run(short, 'rw-short');
    expect((await run({ ...short, taskUUID: randomUUID() }, 'rw-short')).promptTokensDetails).toEqual({ cachedTokens: 0, cacheWriteTokens: 0 });
  });
});
