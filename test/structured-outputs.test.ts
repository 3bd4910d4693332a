/**
 * Structured outputs: `output_config.format` (and the beta `output_format`) at SkillBoss, ByteSpike and
 * Anthropic, `response_format` json_schema / json_object at AIgateway. The answer text is JSON valid
 * against the schema (enum, const, bounds, lengths, pattern, required, additionalProperties: false,
 * array sizes, nesting, anyOf), the same for the same request, in JSON and streamed; and the clients'
 * own helpers (SDK 1.16 `messages.parse`, the AI SDK's `generateObject`, LangChain's
 * `withStructuredOutput({ method: 'jsonSchema' })`) return objects valid against their schemas.
 */
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import Anthropic from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { ChatAnthropic } from '@langchain/anthropic';
import { generateObject } from 'ai';
import { z } from 'zod';
import { anthropicNative, useServer } from './support/server.js';

const { base } = useServer([...anthropicNative.map((p) => p.provider), 'aigateway']);
type Obj = Record<string, unknown>;

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['city', 'unit', 'kind', 'temperature', 'code', 'tags', 'station', 'reading'],
  properties: {
    city: { type: 'string', minLength: 2, maxLength: 40 },
    unit: { type: 'string', enum: ['fahrenheit', 'celsius'] },
    kind: { const: 'forecast' },
    temperature: { type: 'number', minimum: -40, maximum: 55 },
    days: { type: 'integer', minimum: 1, maximum: 7 },
    code: { type: 'string', pattern: '^[A-Z]{3}-\\d{4}$' },
    tags: { type: 'array', items: { type: 'string', maxLength: 12 }, minItems: 2, maxItems: 3 },
    station: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'elevation'],
      properties: { id: { type: 'string', pattern: '^st_[a-z0-9]{6}$' }, elevation: { type: 'integer', minimum: 0 } },
    },
    reading: { anyOf: [{ type: 'number', minimum: 10, maximum: 20 }, { type: 'string' }] },
  },
};
const valid = new Ajv2020({ strict: false }).compile(schema);

async function post(path: string, body: Obj, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(base(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test', authorization: 'Bearer sk-test', 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
  });
}

/** The text of an Anthropic SSE stream: its text deltas joined. */
function streamedText(sse: string): string {
  let text = '';
  for (const line of sse.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const data = JSON.parse(line.slice(6)) as Obj;
    const delta = data.delta as Obj | undefined;
    if (data.type === 'content_block_delta' && delta?.type === 'text_delta') text += String(delta.text);
  }
  return text;
}

describe.each(anthropicNative)('$provider', ({ provider, model }) => {
  it.each([
    ['output_config.format', { output_config: { format: { type: 'json_schema', schema } } }, {}],
    ['beta output_format', { output_format: { type: 'json_schema', schema } }, { 'anthropic-beta': 'structured-outputs-2025-11-13' }],
  ])('%s: JSON valid against the schema, the same each time, and streamed alike', async (_name, extra, headers) => {
    const body = { model, max_tokens: 1024, messages: [{ role: 'user', content: 'Weather forecast for Lyon, please.' }], ...extra };
    const texts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await post(`${provider}/v1/messages`, body, headers);
      expect(res.status).toBe(200);
      const message = (await res.json()) as { content: Obj[]; stop_reason: string };
      expect(message.stop_reason).toBe('end_turn');
      expect(message.content).toHaveLength(1);
      texts.push(String(message.content[0]!.text));
    }
    expect(texts[1]).toBe(texts[0]);
    const answer = JSON.parse(texts[0]!) as Obj;
    expect(valid(answer), JSON.stringify(valid.errors)).toBe(true);
    const stream = await post(`${provider}/v1/messages`, { ...body, stream: true }, headers);
    expect(JSON.parse(streamedText(await stream.text()))).toEqual(answer);
  });

  it('SDK 1.16 messages.parse with zodOutputFormat returns a parsed object', async () => {
    const client = new Anthropic({ apiKey: 'sk-test', baseURL: base(provider) });
    const Forecast = z.object({ city: z.string(), unit: z.enum(['celsius', 'fahrenheit']), high: z.number().int().min(-40).max(55), alerts: z.array(z.string()) });
    const parsed = await client.messages.parse({
      model,
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'Forecast for Lyon' }],
      output_config: { format: zodOutputFormat(Forecast) },
    });
    expect(Forecast.safeParse(parsed.parsed_output).success).toBe(true);
  });

  it('the AI SDK generateObject (@ai-sdk/anthropic, default settings) returns an object valid against its schema', async () => {
    const Person = z.object({ name: z.string(), age: z.number().int().min(0).max(130), role: z.enum(['admin', 'user']) });
    const { object } = await generateObject({
      model: createAnthropic({ baseURL: base(`${provider}/v1`), apiKey: 'sk-test' })(model),
      schema: Person,
      prompt: 'Invent a user named Ada.',
    });
    expect(Person.safeParse(object).success).toBe(true);
  });

  it("LangChain withStructuredOutput({ method: 'jsonSchema' }) returns an object valid against its schema", async () => {
    const Person = z.object({ name: z.string(), age: z.number().int().min(0).max(130) });
    const chat = new ChatAnthropic({ model, apiKey: 'sk-test', anthropicApiUrl: base(provider) });
    const result = await chat.withStructuredOutput(Person, { method: 'jsonSchema' }).invoke('Invent a person.');
    expect(Person.safeParse(result).success).toBe(true);
  });
});

describe('aigateway', () => {
  it('response_format json_schema: JSON valid against the schema, JSON and streamed alike', async () => {
    const body = { model: 'anthropic/claude-haiku-4.5', messages: [{ role: 'user', content: 'Forecast for Lyon' }], response_format: { type: 'json_schema', json_schema: { name: 'forecast', strict: true, schema } } };
    const res = await post('aigateway/v1/chat/completions', body);
    expect(res.status).toBe(200);
    const content = String(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content);
    const answer = JSON.parse(content) as Obj;
    expect(valid(answer), JSON.stringify(valid.errors)).toBe(true);
    const stream = await (await post('aigateway/v1/chat/completions', { ...body, stream: true })).text();
    let streamed = '';
    for (const line of stream.split('\n')) {
      if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
      streamed += String((JSON.parse(line.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '');
    }
    expect(JSON.parse(streamed)).toEqual(answer);
  });

  it('response_format json_object answers a JSON object', async () => {
    const res = await post('aigateway/v1/chat/completions', { model: 'anthropic/claude-haiku-4.5', messages: [{ role: 'user', content: 'Reply in JSON' }], response_format: { type: 'json_object' } });
    const content = ((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
    expect(typeof JSON.parse(content)).toBe('object');
  });

  it('the AI SDK generateObject (@ai-sdk/openai chat) returns an object valid against its schema', async () => {
    const Person = z.object({ name: z.string(), age: z.number().int().min(0).max(130), role: z.enum(['admin', 'user']) });
    const { object } = await generateObject({
      model: createOpenAI({ baseURL: base('aigateway/v1'), apiKey: 'sk-test' }).chat('anthropic/claude-haiku-4.5'),
      schema: Person,
      prompt: 'Invent a user named Ada.',
    });
    expect(Person.safeParse(object).success).toBe(true);
  });
});
