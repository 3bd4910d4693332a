/**
 * The official `openai` SDK (6.x), unmodified, against a real standin server as AIgateway: plain and
 * streamed completions, the stream helper, tool calls, JSON modes, usage, models, errors and retries.
 */
import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionTool } from 'openai/resources/chat/completions';
import { createAjv } from '../src/core/validator.js';
import { useServer } from './support/server.js';
import { errorStatuses } from './support/documents.js';

const model = 'anthropic/claude-haiku-4.5';
const server = useServer(['aigateway']);

const client = (options: ConstructorParameters<typeof OpenAI>[0] = {}) => new OpenAI({ apiKey: 'sk-aig-test', baseURL: server.base('aigateway/v1'), maxRetries: 0, ...options });

const weather: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Get the current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] },
  },
};
const time: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_time',
    description: 'Get the local time in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

/** A completion without what differs between two calls (`created`) or what the stream helper adds (`parsed`). */
function comparable(completion: OpenAI.ChatCompletion): unknown {
  const { created: _created, ...rest } = completion;
  return { ...rest, choices: rest.choices.map(({ message: { parsed: _parsed, ...message }, ...choice }: any) => ({ ...choice, message })) };
}

describe('openai SDK against AIgateway', () => {
  it('creates a chat completion', async () => {
    const { data, request_id } = await client()
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello there' }] })
      .withResponse();
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe(model);
    expect(Math.abs(data.created - Date.now() / 1000)).toBeLessThan(60);
    expect(data.choices[0]!.finish_reason).toBe('stop');
    expect(data.choices[0]!.message.content!.length).toBeGreaterThan(10);
    expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + data.usage!.completion_tokens);
    expect(request_id).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it('streams chunks through the async iterator that add up to the plain answer', async () => {
    const params = { model, messages: [{ role: 'user' as const, content: 'Explain retries briefly' }] };
    const plain = await client().chat.completions.create(params);
    const stream = await client().chat.completions.create({ ...params, stream: true });
    let text = '';
    const finish: (string | null)[] = [];
    for await (const chunk of stream) {
      expect(chunk.id).toBe(plain.id);
      text += chunk.choices[0]?.delta.content ?? '';
      finish.push(chunk.choices[0]?.finish_reason ?? null);
      expect(chunk.usage).toBeUndefined();
    }
    expect(text).toBe(plain.choices[0]!.message.content);
    expect(finish.filter(Boolean)).toEqual(['stop']);
  });

  it('gives the non-streamed answer from stream().finalChatCompletion()', async () => {
    const params = { model, max_completion_tokens: 300, messages: [{ role: 'user' as const, content: 'Summarise the plot of Hamlet' }] };
    const runner = client().chat.completions.stream({ ...params, stream_options: { include_usage: true } });
    let streamed = '';
    runner.on('content', (delta) => (streamed += delta));
    const final = await runner.finalChatCompletion();
    const plain = await client().chat.completions.create(params);
    expect(comparable(final)).toEqual(comparable(plain));
    expect(streamed).toBe(plain.choices[0]!.message.content);
  });

  it('assembles a single streamed tool call, then ends the loop in text', async () => {
    const c = client();
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const params = { model, tools: [weather], tool_choice: 'required' as const, messages };
    const final = await c.chat.completions.stream(params).finalChatCompletion();
    const plain = await c.chat.completions.create(params);
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(comparable(final)).toEqual(comparable({ ...plain, usage: undefined } as OpenAI.ChatCompletion));
    const call = final.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.id).toMatch(/^call_[0-9A-Za-z]{24}$/);
    expect(call.function.name).toBe('get_weather');
    // The city the prompt names, not a fixed sample.
    expect(JSON.parse(call.function.arguments)).toMatchObject({ city: 'Paris' });
    expect(final.choices[0]!.message.content).toBeNull();

    messages.push(final.choices[0]!.message as OpenAI.ChatCompletionAssistantMessageParam);
    messages.push({ role: 'tool', tool_call_id: call.id, content: '18°C and sunny' });
    const answer = await c.chat.completions.create({ model, tools: [weather], messages });
    expect(answer.choices[0]!.finish_reason).toBe('stop');
    expect(answer.choices[0]!.message.content).toContain('18°C and sunny');
  });

  it('assembles parallel tool calls from a stream', async () => {
    const params = { model, tools: [weather, time], messages: [{ role: 'user' as const, content: 'Weather and local time in Tokyo?' }] };
    const final = await client().chat.completions.stream(params).finalChatCompletion();
    const calls = final.choices[0]!.message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[];
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(calls.map((c) => c.function.name).sort()).toEqual(['get_time', 'get_weather']);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    for (const call of calls) expect(JSON.parse(call.function.arguments).city).toBe('Tokyo');
    const single = await client().chat.completions.create({ ...params, parallel_tool_calls: false });
    expect(single.choices[0]!.message.tool_calls).toHaveLength(1);
  });

  it('answers JSON mode with a JSON object, and schema mode with JSON that validates', async () => {
    const messages = [{ role: 'user' as const, content: 'Is it raining in Tokyo?' }];
    const json = await client().chat.completions.create({ model, messages, response_format: { type: 'json_object' } });
    const parsed = JSON.parse(json.choices[0]!.message.content!);
    expect(typeof parsed).toBe('object');
    expect(Array.isArray(parsed)).toBe(false);

    const schema = {
      type: 'object',
      properties: {
        label: { type: 'string', enum: ['billing', 'technical', 'account'] },
        confidence: { type: 'number', minimum: 0, maximum: 1 },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
      },
      required: ['label', 'confidence', 'tags'],
      additionalProperties: false,
    };
    const structured = await client().chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'My invoice was charged twice.' }],
      response_format: { type: 'json_schema', json_schema: { name: 'ticket_label', strict: true, schema } },
    });
    const validate = createAjv().compile(schema);
    expect(validate(JSON.parse(structured.choices[0]!.message.content!)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('sends usage in a last chunk with empty choices when include_usage is set', async () => {
    const params = { model, messages: [{ role: 'user' as const, content: 'Describe Tokyo in one sentence.' }], max_completion_tokens: 256 };
    const plain = await client().chat.completions.create(params);
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of await client().chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } })) chunks.push(chunk);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(plain.usage);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('lists the model', async () => {
    const ids: string[] = [];
    for await (const m of client().models.list()) ids.push(m.id);
    expect(ids).toEqual([model]);
  });

  it('raises the matching error class for every documented status', async () => {
    const statuses = await errorStatuses('aigateway', '/v1/chat/completions');
    expect(statuses).toEqual(expect.arrayContaining([400, 401, 402, 404, 429, 500, 503]));
    const classes: Record<number, new (...args: never[]) => Error> = {
      400: OpenAI.BadRequestError,
      401: OpenAI.AuthenticationError,
      403: OpenAI.PermissionDeniedError,
      404: OpenAI.NotFoundError,
      422: OpenAI.UnprocessableEntityError,
      429: OpenAI.RateLimitError,
    };
    for (const status of statuses) {
      const error = await client()
        .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }, { headers: { Prefer: `code=${status}` } })
        .then(() => undefined, (e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
      const expected = classes[status] ?? (status >= 500 ? OpenAI.InternalServerError : OpenAI.APIError);
      expect(error, `status ${status}`).toBeInstanceOf(expected);
      expect(error!.constructor, `status ${status}`).toBe(expected);
      expect(error!.status).toBe(status);
      expect(error!.requestID).toMatch(/^req_[0-9a-f]{32}$/);
      expect(typeof error!.type).toBe('string');
      expect(error!.message).toContain(String(status));
    }
  });

  it('retries a 429 that fails only the first attempt, then succeeds', async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const completion = await client({ maxRetries: 2, fetch: counting }).chat.completions.create(
      { model, messages: [{ role: 'user', content: 'retry me' }] },
      { headers: { Prefer: 'code=429, fail-first=1, retry-after=0' } },
    );
    expect(completion.object).toBe('chat.completion');
    expect(calls).toBe(2);
  });

  it('rejects a revoked or missing key with AuthenticationError', async () => {
    const body: ChatCompletionCreateParamsNonStreaming = { model, messages: [{ role: 'user', content: 'hi' }] };
    await expect(client({ apiKey: 'invalid-key' }).chat.completions.create(body)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const keyless: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.delete('authorization');
      return fetch(input, { ...init, headers });
    };
    const error = await client({ fetch: keyless }).chat.completions.create(body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('invalid_key');
  });

  it('rejects an unknown model with NotFoundError naming the model', async () => {
    const error = await client()
      .chat.completions.create({ model: 'anthropic/claude-haiku-9', messages: [{ role: 'user', content: 'hi' }] })
      .then(() => undefined, (e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error!.param).toBe('model');
    expect(error!.message).toContain('anthropic/claude-haiku-9');
  });

  it('throws from the stream iterator on a mid-stream error', async () => {
    const stream = await client().chat.completions.create(
      { model, max_tokens: 500, stream: true, messages: [{ role: 'user', content: 'Write a long answer' }] },
      { headers: { Prefer: 'stream-error=server_error, stream-error-after=3' } },
    );
    const seen: OpenAI.ChatCompletionChunk[] = [];
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk);
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(3);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).type).toBe('server_error');
  });
});
