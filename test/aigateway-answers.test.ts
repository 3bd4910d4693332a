/**
 * AIgateway answers carry what OpenAI-compatible answers carry, as the openai 6 SDK's types declare
 * them (read from its .d.ts): service tier, fingerprint, token-detail objects, the rate-limit and
 * processing-time headers; and `n` > 1 is served with n choices, streamed too.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { useServer } from './support/server.js';
import { declarationText, declaredFields } from './support/sdk-declarations.js';

const model = 'anthropic/claude-haiku-4.5';
const server = useServer(['aigateway']);
let client: OpenAI;
beforeAll(() => {
  client = new OpenAI({ apiKey: 'sk-aig-test', baseURL: `${server.url}/aigateway/v1`, maxRetries: 0 });
});

const usageTypes = declarationText('openai', 'resources/completions.d.ts');
const allFields = (type: string) => {
  const { required, optional } = declaredFields(usageTypes, type);
  return [...required, ...optional].sort();
};

describe('AIgateway answers', () => {
  it('carry service_tier, a system_fingerprint and every token-detail field openai 6 declares', async () => {
    const { data, response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello there' }] }).withResponse();
    expect(data.service_tier).toBe('default');
    expect(data.system_fingerprint).toMatch(/^fp_[0-9a-f]{10}$/);
    const usage = data.usage!;
    expect(Object.keys(usage.prompt_tokens_details!).sort()).toEqual(allFields('CompletionUsage.PromptTokensDetails'));
    expect(Object.keys(usage.completion_tokens_details!).sort()).toEqual(allFields('CompletionUsage.CompletionTokensDetails'));
    expect(Object.values(usage.prompt_tokens_details!).every((n) => n === 0)).toBe(true);
    for (const name of ['limit', 'remaining', 'reset']) {
      expect(response.headers.get(`x-ratelimit-${name}-requests`), name).toBeTruthy();
      expect(response.headers.get(`x-ratelimit-${name}-tokens`), name).toBeTruthy();
    }
    expect(response.headers.get('openai-processing-ms')).toBe('0');
    // The fingerprint names the backend configuration, not the request.
    const again = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Something else' }] });
    expect(again.system_fingerprint).toBe(data.system_fingerprint);
  });

  it('reports the paced generation time in openai-processing-ms', async () => {
    const { data, response } = await client.chat.completions
      .create({ model, max_completion_tokens: 20, messages: [{ role: 'user', content: 'Write an essay' }] }, { headers: { prefer: 'ttft-ms=40, tokens-per-second=1000' } })
      .withResponse();
    expect(Number(response.headers.get('openai-processing-ms'))).toBe(40 + data.usage!.completion_tokens);
  });

  it('serves n choices with their indices, and a stream of n choices the SDK assembles into the same answer', async () => {
    const params = { model, n: 3, max_completion_tokens: 60, messages: [{ role: 'user' as const, content: 'Suggest a name for a cat' }] };
    const plain = await client.chat.completions.create(params);
    expect(plain.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(new Set(plain.choices.map((c) => c.message.content)).size).toBe(3);
    const final = await client.chat.completions.stream({ ...params, stream_options: { include_usage: true } }).finalChatCompletion();
    expect(final.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual(plain.choices.map((c) => [c.index, c.message.content, c.finish_reason]));
    expect(final.usage).toEqual(plain.usage);
    expect(plain.usage!.completion_tokens).toBeGreaterThan((await client.chat.completions.create({ ...params, n: 1 })).usage!.completion_tokens);
  });

  it('calls tools in every choice with distinct call ids when n > 1', async () => {
    const weather = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
    const res = await client.chat.completions.create({ model, n: 2, tools: [weather], tool_choice: 'required', messages: [{ role: 'user', content: 'Weather in Lima?' }] });
    expect(res.choices.map((c) => c.finish_reason)).toEqual(['tool_calls', 'tool_calls']);
    const ids = res.choices.flatMap((c) => c.message.tool_calls!.map((t) => t.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
