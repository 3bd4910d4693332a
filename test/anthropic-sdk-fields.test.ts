/**
 * Anthropic-native answers carry every field @anthropic-ai/sdk 1.x declares on its wire types (read
 * from the installed SDK's .d.ts, so a new SDK release shows what standin lacks), ids in the form
 * real ones have, and the model id the provider really answers with.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin, type Engine } from '../src/standin.js';
import { parseSseText } from '../src/contract/parse-sse.js';
import { anthropicNative } from './support/server.js';
import { declarationText, declaredFields } from './support/sdk-declarations.js';

type Json = Record<string, unknown>;

const source = declarationText('@anthropic-ai/sdk', 'resources/messages/messages.d.ts');
/**
 * Declared fields real answers leave out, and why: `diagnostics` comes only when the request asks for
 * it (its `diagnostics` parameter); `citations` is left out of text blocks that cite nothing (the
 * recorded real answers in test/data/real-recordings have none).
 */
const NOT_SENT: Record<string, string[]> = { Message: ['diagnostics'], TextBlock: ['citations'] };

function expectDeclared(value: unknown, type: string, where: string): void {
  expect(value, `${where} is an object`).toBeTypeOf('object');
  const keys = Object.keys(value as Json);
  const { required } = declaredFields(source, type);
  const missing = required.filter((f) => !keys.includes(f) && !(NOT_SENT[type] ?? []).includes(f));
  expect(missing, `${where} lacks fields SDK 1.x's ${type} declares`).toEqual([]);
}

/** Base58 after the fixed version prefix: no 0, O, I or l, and the real lengths. */
const BASE58 = '[1-9A-HJ-NP-Za-km-z]';
const MESSAGE_ID = new RegExp(`^msg_01${BASE58}{22}$`);
const TOOL_ID = new RegExp(`^toolu_01${BASE58}{22}$`);
const REQUEST_ID = new RegExp(`^req_011C${BASE58}{20}$`);

let engine: Engine;
beforeAll(async () => {
  engine = createStandin({ documents: await loadDocuments(anthropicNative.map((p) => p.provider)) });
});

function post(provider: string, body: unknown, headers: Record<string, string> = { 'x-api-key': 'sk-test' }): Promise<Response> {
  return engine.fetch(
    new Request(`http://standin/${provider}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
      body: JSON.stringify(body),
    }),
  );
}

const weather = {
  name: 'get_weather',
  description: 'Get the current weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('the SDK declarations reader', () => {
  it('finds required and optional fields, inside namespaces too', () => {
    expect(declaredFields(source, 'CacheCreation').required.sort()).toEqual(['ephemeral_1h_input_tokens', 'ephemeral_5m_input_tokens']);
    expect(declaredFields(source, 'ToolUseBlock').optional).toContain('toolset_name');
    expect(declaredFields(source, 'RawMessageDeltaEvent.Delta').required).toContain('stop_reason');
    expect(() => declaredFields(source, 'NoSuchInterface')).toThrow();
  });
});

describe.each(anthropicNative)('$provider', ({ provider, model, answeredModel }) => {
  it('answers a Message with every declared field, usage in full, and real-looking ids', async () => {
    const res = await post(provider, { model, max_tokens: 300, messages: [{ role: 'user', content: 'Hello there' }] });
    expect(res.status).toBe(200);
    expect(res.headers.get('request-id')).toMatch(REQUEST_ID);
    const msg = (await res.json()) as Json;
    expectDeclared(msg, 'Message', 'Message');
    expect(msg.id).toMatch(MESSAGE_ID);
    expect(msg.model).toBe(answeredModel);
    const usage = msg.usage as Json;
    expectDeclared(usage, 'Usage', 'usage');
    expectDeclared(usage.cache_creation, 'CacheCreation', 'usage.cache_creation');
    expectDeclared(usage.server_tool_use, 'ServerToolUsage', 'usage.server_tool_use');
    expectDeclared(usage.output_tokens_details, 'OutputTokensDetails', 'usage.output_tokens_details');
    // Nothing was cached, no server tool ran and nothing was thought: zeros, not made-up numbers.
    expect(usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0, service_tier: 'standard' });
    expect(usage.cache_creation).toEqual({ ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 });
    expect(usage.output_tokens_details).toEqual({ thinking_tokens: 0 });
    for (const block of msg.content as Json[]) expectDeclared(block, 'TextBlock', 'text block');
  });

  it('gives tool_use blocks every declared field, a direct caller and a toolu_01 id, in JSON and in the stream', async () => {
    const body = { model, max_tokens: 300, tools: [weather], tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'Weather in Oslo?' }] };
    const msg = (await (await post(provider, body)).json()) as Json;
    const call = (msg.content as Json[]).find((b) => b.type === 'tool_use')!;
    expectDeclared(call, 'ToolUseBlock', 'tool_use block');
    expect(call.caller).toEqual({ type: 'direct' });
    expectDeclared(call.caller, 'DirectCaller', 'caller');
    expect(call.id).toMatch(TOOL_ID);

    const events = parseSseText(await (await post(provider, { ...body, stream: true })).text()).map((e) => JSON.parse(e.data) as Json);
    const start = events.find((e) => e.type === 'content_block_start' && (e.content_block as Json).type === 'tool_use')!;
    expectDeclared(start.content_block, 'ToolUseBlock', 'streamed tool_use block');
    expect((start.content_block as Json).id).toBe(call.id);
  });

  it('counts thinking tokens in usage.output_tokens_details', async () => {
    const body = { model, max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'Think about tea' }] };
    const msg = (await (await post(provider, body)).json()) as Json;
    const thinking = (msg.content as Json[]).find((b) => b.type === 'thinking')!;
    expectDeclared(thinking, 'ThinkingBlock', 'thinking block');
    const usage = msg.usage as Json;
    const details = usage.output_tokens_details as { thinking_tokens: number };
    expect(details.thinking_tokens).toBeGreaterThan(0);
    expect(details.thinking_tokens).toBeLessThan(usage.output_tokens as number);
  });

  it('streams message_start and message_delta with every declared field', async () => {
    const res = await post(provider, { model, max_tokens: 300, stream: true, messages: [{ role: 'user', content: 'Hello there' }] });
    const events = parseSseText(await res.text()).map((e) => JSON.parse(e.data) as Json);
    const start = events.find((e) => e.type === 'message_start')!.message as Json;
    expectDeclared(start, 'Message', 'message_start.message');
    expectDeclared(start.usage, 'Usage', 'message_start usage');
    expect(start.model).toBe(answeredModel);
    expect(start.id).toMatch(MESSAGE_ID);
    const delta = events.find((e) => e.type === 'message_delta')!;
    expectDeclared(delta.delta, 'RawMessageDeltaEvent.Delta', 'message_delta.delta');
    expectDeclared(delta.usage, 'MessageDeltaUsage', 'message_delta usage');
  });
});

describe('Anthropic refuses a request without a usable key in its own words', () => {
  it('says the x-api-key header is required, or that the key is invalid', async () => {
    const body = { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
    const missing = await post('anthropic', body, {});
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: 'x-api-key header is required' } });
    const revoked = await post('anthropic', body, { 'x-api-key': 'invalid-key' });
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ error: { type: 'authentication_error', message: 'invalid x-api-key' } });
  });

  it('documents 409 conflict_error and answers it when asked', async () => {
    const res = await post('anthropic', { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, { 'x-api-key': 'k', prefer: 'code=409' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'conflict_error' } });
  });
});
