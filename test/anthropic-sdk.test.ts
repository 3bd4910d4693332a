/**
 * The official Anthropic SDKs (1.x sends `Authorization: Bearer`, 0.x sends `x-api-key`) against a real
 * standin server, as SkillBoss, ByteSpike and Anthropic.
 */
import { describe, expect, it } from 'vitest';
import Anthropic1 from '@anthropic-ai/sdk';
import Anthropic0 from 'anthropic-sdk-0';
import { anthropicNative, useServer } from './support/server.js';
import { errorStatuses, hasOperation } from './support/documents.js';

type AnyClient = InstanceType<typeof Anthropic1>;
type ErrorClasses = Record<string, new (...args: never[]) => Error>;

/** The class each SDK raises for a status, as its own `APIError.generate` maps them. */
function expectedClass(E: ErrorClasses, status: number, modern: boolean): new (...args: never[]) => Error {
  const common: Record<number, string> = {
    400: 'BadRequestError',
    401: 'AuthenticationError',
    403: 'PermissionDeniedError',
    404: 'NotFoundError',
    409: 'ConflictError',
    422: 'UnprocessableEntityError',
    429: 'RateLimitError',
  };
  const newer: Record<number, string> = {
    402: 'PaymentRequiredError',
    413: 'ContentTooLargeError',
    503: 'ServiceUnavailableError',
    504: 'GatewayTimeoutError',
    529: 'OverloadedError',
  };
  const name = common[status] ?? (modern ? newer[status] : undefined) ?? (status >= 500 ? 'InternalServerError' : 'APIError');
  return E[name]!;
}

const sdks = [
  { label: '@anthropic-ai/sdk 1.x', Client: Anthropic1 as unknown as typeof Anthropic1, modern: true },
  { label: '@anthropic-ai/sdk 0.x', Client: Anthropic0 as unknown as typeof Anthropic1, modern: false },
];

const server = useServer(anthropicNative.map((p) => p.provider));

const weatherTool = {
  name: 'get_weather',
  description: 'Get the current weather for a city',
  input_schema: {
    type: 'object' as const,
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['city'],
  },
};

describe.each(sdks)('$label', ({ Client, modern }) => {
  describe.each(anthropicNative)('as $provider', ({ provider, model, answeredModel }) => {
    const client = (): AnyClient => new Client({ apiKey: 'sk-test-standin', baseURL: `${server.url}/${provider}`, maxRetries: 2 });

    it('creates a message', async () => {
      const msg = await client().messages.create({ model, max_tokens: 256, messages: [{ role: 'user', content: 'Hello there' }] });
      expect(msg.id).toMatch(/^msg_01[1-9A-HJ-NP-Za-km-z]{22}$/);
      expect(msg.model).toBe(answeredModel);
      expect(msg.stop_reason).toBe('end_turn');
      expect(msg.content[0]?.type).toBe('text');
      expect((msg.content[0] as { text: string }).text.length).toBeGreaterThan(10);
      expect(msg.usage.input_tokens).toBeGreaterThan(0);
      expect(msg.usage.output_tokens).toBeGreaterThan(0);
    });

    it('streams text events whose finalMessage equals the non-streamed answer', async () => {
      const params = { model, max_tokens: 200, messages: [{ role: 'user' as const, content: 'Explain retries briefly' }] };
      const stream = client().messages.stream(params);
      let streamed = '';
      stream.on('text', (delta) => (streamed += delta));
      const final = await stream.finalMessage();
      const plain = await client().messages.create(params);
      expect(streamed).toBe((plain.content[0] as { text: string }).text);
      expect(final.content).toEqual(plain.content);
      expect(final.stop_reason).toBe(plain.stop_reason);
      expect(final.usage.output_tokens).toBe(plain.usage.output_tokens);
      expect(final.usage.input_tokens).toBe(plain.usage.input_tokens);
    });

    it('completes a tool-use round trip that ends in end_turn', async () => {
      const c = client();
      const messages: Anthropic1.MessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
      const first = await c.messages.create({ model, max_tokens: 300, tools: [weatherTool], messages });
      expect(first.stop_reason).toBe('tool_use');
      const call = first.content.find((b) => b.type === 'tool_use') as Anthropic1.ToolUseBlock;
      expect(call.id).toMatch(/^toolu_/);
      expect(call.name).toBe('get_weather');
      // The city the prompt names, not a fixed sample.
      expect(call.input).toMatchObject({ city: 'Paris' });
      messages.push({ role: 'assistant', content: first.content });
      messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18°C and sunny' }] });
      const second = await c.messages.create({ model, max_tokens: 300, tools: [weatherTool], messages });
      expect(second.stop_reason).toBe('end_turn');
      expect(second.content.some((b) => b.type === 'text')).toBe(true);
    });

    it('streams a forced tool call whose input parses to the same object', async () => {
      const params = {
        model,
        max_tokens: 300,
        tools: [weatherTool],
        tool_choice: { type: 'tool' as const, name: 'get_weather' },
        messages: [{ role: 'user' as const, content: 'Weather in Oslo?' }],
      };
      const final = await client().messages.stream(params).finalMessage();
      const plain = await client().messages.create(params);
      expect(final.stop_reason).toBe('tool_use');
      expect(final.content).toEqual(plain.content);
      expect((plain.content.find((b) => b.type === 'tool_use') as Anthropic1.ToolUseBlock).input).toMatchObject({ city: 'Oslo' });
    });

    it('returns a thinking block with a signature when thinking is enabled', async () => {
      const params = {
        model,
        max_tokens: 2048,
        thinking: { type: 'enabled' as const, budget_tokens: 1024 },
        messages: [{ role: 'user' as const, content: 'Is 97 prime?' }],
      };
      const msg = await client().messages.create(params);
      const thinking = msg.content[0] as Anthropic1.ThinkingBlock;
      expect(thinking.type).toBe('thinking');
      expect(thinking.thinking.length).toBeGreaterThan(0);
      expect(thinking.signature.length).toBeGreaterThan(20);
      const final = await client().messages.stream(params).finalMessage();
      expect(final.content).toEqual(msg.content);
    });

    it('stops at a stop sequence without emitting it', async () => {
      const msg = await client().messages.create({
        model,
        max_tokens: 300,
        stop_sequences: ['###'],
        messages: [{ role: 'user', content: 'List three facts' }],
      });
      expect(msg.stop_reason).toBe('stop_sequence');
      expect(msg.stop_sequence).toBe('###');
      expect((msg.content[0] as { text: string }).text).not.toContain('###');
    });

    it('stops at max_tokens with exactly max_tokens output tokens', async () => {
      const msg = await client().messages.create({ model, max_tokens: 5, messages: [{ role: 'user', content: 'Write an essay' }] });
      expect(msg.stop_reason).toBe('max_tokens');
      expect(msg.usage.output_tokens).toBe(5);
    });

    it('counts tokens in agreement with usage, and lists models, where the provider offers them', async () => {
      const c = client();
      if (await hasOperation(provider, '/v1/messages/count_tokens')) {
        const messages = [{ role: 'user' as const, content: 'Count these tokens, please.' }];
        const counted = await c.messages.countTokens({ model, messages, system: 'Be brief.' });
        const msg = await c.messages.create({ model, max_tokens: 20, messages, system: 'Be brief.' });
        expect(counted.input_tokens).toBe(msg.usage.input_tokens);
      }
      if (await hasOperation(provider, '/v1/models', 'get')) {
        const ids: string[] = [];
        for await (const m of c.models.list()) ids.push(m.id);
        // The list holds dated ids only; the alias resolves to one of them.
        expect(ids).toEqual([answeredModel]);
        expect((await c.models.retrieve(model)).id).toBe(answeredModel);
        expect((await c.models.retrieve(answeredModel)).id).toBe(answeredModel);
      }
    });

    it('raises the matching error class for every documented status', async () => {
      const statuses = await errorStatuses(provider, '/v1/messages');
      expect(statuses.length).toBeGreaterThanOrEqual(6);
      const c = new Client({ apiKey: 'sk-test-standin', baseURL: `${server.url}/${provider}`, maxRetries: 0 });
      for (const status of statuses) {
        const error = await c.messages
          .create({ model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, { headers: { Prefer: `code=${status}` } })
          .then(() => undefined, (e: unknown) => e);
        expect(error, `status ${status}`).toBeInstanceOf(expectedClass(Client as unknown as ErrorClasses, status, modern));
        expect((error as { status: number }).status).toBe(status);
        expect((error as { requestID?: string; request_id?: string }).requestID ?? (error as { request_id?: string }).request_id).toMatch(/^req_/);
      }
    });

    it('retries a 429 that fails only the first attempt, then succeeds', async () => {
      let calls = 0;
      const counting: typeof fetch = (input, init) => {
        calls++;
        return fetch(input, init);
      };
      const c = new Client({ apiKey: 'sk-test-standin', baseURL: `${server.url}/${provider}`, maxRetries: 2, fetch: counting });
      const msg = await c.messages.create(
        { model, max_tokens: 20, messages: [{ role: 'user', content: 'retry me' }] },
        { headers: { Prefer: 'code=429, fail-first=1, retry-after=0' } },
      );
      expect(msg.type).toBe('message');
      expect(calls).toBe(2);
    });

    it('raises an error from the stream when a mid-stream error is asked for', async () => {
      const stream = client().messages.stream(
        { model, max_tokens: 200, messages: [{ role: 'user', content: 'Tell me a story' }] },
        { headers: { Prefer: 'stream-error=overloaded_error, stream-error-after=4' } },
      );
      let texts = 0;
      stream.on('text', () => texts++);
      const error = await stream.finalMessage().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf((Client as unknown as ErrorClasses).APIError);
      expect(String((error as Error).message)).toMatch(/overloaded|Overloaded/);
      expect(texts).toBeGreaterThan(0);
    });

    it('sends request-id and x-should-retry on every forced error', async () => {
      for (const status of await errorStatuses(provider, '/v1/messages')) {
        const res = await fetch(`${server.url}/${provider}/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01', prefer: `code=${status}` },
          body: JSON.stringify({ model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
        });
        expect(res.status).toBe(status);
        expect(res.headers.get('request-id'), `${status}`).toMatch(/^req_/);
        // The SDKs' own status rule: 408, 409, 429 and 5xx are worth retrying.
        expect(res.headers.get('x-should-retry'), `${status}`).toBe(String([408, 409, 429].includes(status) || status >= 500));
        const body = await res.json();
        expect(body.type).toBe('error');
      }
    });

    it('rejects a missing or wrong key with AuthenticationError', async () => {
      const wrong = new Client({ apiKey: 'invalid-key', baseURL: `${server.url}/${provider}`, maxRetries: 0 });
      await expect(wrong.messages.create({ model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(
        (Client as unknown as ErrorClasses).AuthenticationError,
      );
    });
  });
});
