/**
 * One hand-written fixture answers in every provider's wire format: the same text, and the same tool
 * call with its input, through @anthropic-ai/sdk (SkillBoss, ByteSpike, Anthropic), through `openai`
 * (AIgateway) and through Runware, streamed and not; through a server, MSW handlers and the fetch drop-in.
 */
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { setupServer } from 'msw/node';
import { createFetch } from '../src/adapters/fetch.js';
import { createMswHandlers, drainMockedClones } from '../src/adapters/msw.js';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin, FixtureError, type HandFixture } from '../src/standin.js';
import { parseSseText } from '../src/contract/parse-sse.js';
import { anthropicNative, useServer } from './support/server.js';

const WEATHER = { name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } };
const FIXTURES: HandFixture[] = [
  { match: { lastUserMessage: 'classify this ticket' }, answer: { text: 'shipping' } },
  { match: { lastUserMessage: { regex: 'weather in \\w+' }, toolResult: false }, answer: { toolCalls: [WEATHER] } },
  { match: { lastUserMessage: { regex: 'weather in \\w+' }, toolResult: true }, answer: { text: 'It is 18 degrees in Paris.' } },
];

const server = useServer(undefined, { fixtures: FIXTURES });

const tool = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' }, unit: { type: 'string' } }, required: ['city'] } };

describe.each(anthropicNative)('@anthropic-ai/sdk against $provider', ({ provider, model }) => {
  const client = () => new Anthropic({ apiKey: 'sk-test', baseURL: `${server.url}/${provider}`, maxRetries: 0 });
  const ask = { model, max_tokens: 256, messages: [{ role: 'user' as const, content: 'Please classify this ticket: my parcel is late' }] };

  it('answers the fixture text, as JSON and streamed', async () => {
    const plain = await client().messages.create(ask);
    expect(plain.content).toEqual([{ type: 'text', text: 'shipping' }]);
    expect(plain.stop_reason).toBe('end_turn');
    const streamed = await client().messages.stream(ask).finalMessage();
    expect(streamed.content).toEqual(plain.content);
  });

  it('answers the tool call with its input, then the text after the tool result', async () => {
    const params = { model, max_tokens: 256, tools: [tool], messages: [{ role: 'user' as const, content: 'What is the weather in Paris?' }] };
    for (const message of [await client().messages.create(params), await client().messages.stream(params).finalMessage()]) {
      expect(message.stop_reason).toBe('tool_use');
      const call = message.content.find((b) => b.type === 'tool_use');
      expect(call).toMatchObject({ name: 'get_weather', input: WEATHER.input });
    }
    const call = (await client().messages.create(params)).content.find((b) => b.type === 'tool_use')!;
    const followUp = await client().messages.create({
      ...params,
      messages: [
        ...params.messages,
        { role: 'assistant', content: [call] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: (call as { id: string }).id, content: '18C' }] },
      ],
    });
    expect(followUp.content).toEqual([{ type: 'text', text: 'It is 18 degrees in Paris.' }]);
  });
});

describe('openai against aigateway', () => {
  const client = () => new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/aigateway/v1`, maxRetries: 0 });
  const model = 'anthropic/claude-haiku-4.5';

  it('answers the fixture text, as JSON and streamed', async () => {
    const ask = { model, messages: [{ role: 'user' as const, content: 'Please classify this ticket: my parcel is late' }] };
    const plain = await client().chat.completions.create(ask);
    expect(plain.choices[0]!.message.content).toBe('shipping');
    expect(plain.choices[0]!.finish_reason).toBe('stop');
    let text = '';
    for await (const chunk of await client().chat.completions.create({ ...ask, stream: true })) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('shipping');
  });

  it('answers the tool call with its input, streamed and not', async () => {
    const params = {
      model,
      tools: [{ type: 'function' as const, function: { name: 'get_weather', parameters: tool.input_schema } }],
      messages: [{ role: 'user' as const, content: 'What is the weather in Paris?' }],
    };
    const plain = await client().chat.completions.create(params);
    const call = plain.choices[0]!.message.tool_calls![0]! as { function: { name: string; arguments: string } };
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual(WEATHER.input);
    const final = await client().chat.completions.stream({ ...params, stream: true }).finalChatCompletion();
    const streamedCall = final.choices[0]!.message.tool_calls![0]! as { function: { name: string; arguments: string } };
    expect(JSON.parse(streamedCall.function.arguments)).toEqual(WEATHER.input);
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
  });
});

describe('runware', () => {
  const model = 'anthropic:claude@haiku-4.5';
  const post = async (tasks: unknown[]) =>
    fetch(`${server.url}/runware/v1`, { method: 'POST', headers: { authorization: 'Bearer rw-test', 'content-type': 'application/json' }, body: JSON.stringify(tasks) });
  const task = (content: string, extra: Record<string, unknown> = {}) => ({ taskType: 'textInference', taskUUID: randomUUID(), model, messages: [{ role: 'user', content }], ...extra });

  it('answers the fixture text inline and streamed, echoing the taskUUID', async () => {
    const t = task('Please classify this ticket: my parcel is late');
    const res = await post([t]);
    expect(res.headers.get('x-standin-fixture')).toContain('#0');
    const body = (await res.json()) as { data: { text: string; taskUUID: string }[] };
    expect(body.data[0]).toMatchObject({ text: 'shipping', taskUUID: t.taskUUID });
    const streamed = await post([task('Please classify this ticket: my parcel is late', { deliveryMethod: 'stream' })]);
    const events = parseSseText(await streamed.text()).filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data) as Record<string, unknown>);
    expect(events.at(-1)).toMatchObject({ text: 'shipping', finishReason: 'stop' });
  });

  it('answers the tool call with its input', async () => {
    const tools = [{ type: 'function', name: 'get_weather', description: 'Weather for a city', schema: tool.input_schema }];
    const body = (await (await post([task('What is the weather in Paris?', { tools })])).json()) as { data: { toolCalls: { name: string; arguments: unknown }[] }[] };
    expect(body.data[0]!.toolCalls[0]).toMatchObject({ name: 'get_weather', arguments: WEATHER.input });
  });
});

describe('in process', () => {
  it('the same fixtures answer through MSW handlers and the fetch drop-in, and test code can add more', async () => {
    const engine = createStandin({ documents: await loadDocuments(['anthropic']), mount: 'root', fixtures: FIXTURES });
    engine.fixtures.add({ match: { lastUserMessage: 'added later' }, answer: { text: 'from test code' } });
    const msw = setupServer(...createMswHandlers(engine, 'https://api.anthropic.com'));
    msw.listen({ onUnhandledRequest: 'error' });
    drainMockedClones(msw);
    try {
      const viaMsw = new Anthropic({ apiKey: 'sk-test', maxRetries: 0 });
      const ask = (content: string) => ({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user' as const, content }] });
      expect((await viaMsw.messages.create(ask('classify this ticket'))).content).toEqual([{ type: 'text', text: 'shipping' }]);
      expect((await viaMsw.messages.create(ask('added later'))).content).toEqual([{ type: 'text', text: 'from test code' }]);
      const viaFetch = new Anthropic({ apiKey: 'sk-test', baseURL: 'http://standin', fetch: createFetch(engine), maxRetries: 0 });
      expect((await viaFetch.messages.stream(ask('classify this ticket')).finalMessage()).content).toEqual([{ type: 'text', text: 'shipping' }]);
    } finally {
      msw.close();
    }
  });

  it('an error answer renders as the provider documents it; a status it does not document is refused at start', async () => {
    const documents = await loadDocuments(['anthropic']);
    const engine = createStandin({ documents, mount: 'root', fixtures: [{ match: {}, answer: { error: { status: 529, message: 'busy' } } }] });
    const client = new Anthropic({ apiKey: 'sk-test', baseURL: 'http://standin', fetch: createFetch(engine), maxRetries: 0 });
    const error = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect(() => createStandin({ documents, fixtures: [{ match: {}, answer: { error: { status: 418 } } }] })).toThrow(FixtureError);
    expect(() => createStandin({ documents, fixtures: [{ match: {}, answer: { text: 'x', colour: 'red' } as never }] })).toThrow(/answer.colour is not a known field/);
    expect(() => createStandin({ documents, fixtures: [{ match: {}, answer: { text: 'x', stopReason: 'tool_use' } }] })).toThrow(/tool_use needs answer.toolCalls/);
  });

  it("an answer the provider's document rejects stops start-up, with the fixture and the document's reason", async () => {
    const documents = await loadDocuments(['anthropic']);
    // A document that allows one content block per message: text plus a tool call is two.
    const strict = structuredClone(documents.anthropic!) as Record<string, any>;
    // (Appended to the schema's own allOf: the bundled document refers into it by position.)
    strict.paths['/v1/messages'].post.responses['200'].content['application/json'].schema.allOf.push({ properties: { content: { maxItems: 1 } } });
    const twoBlocks = { match: { provider: 'anthropic' }, answer: { text: 'Checking.', toolCalls: [WEATHER] } };
    expect(() => createStandin({ documents: { anthropic: strict }, fixtures: [{ match: {}, answer: { text: 'one block' } }] })).not.toThrow();
    let error: unknown;
    try {
      createStandin({ documents: { anthropic: strict }, fixtures: [{ match: {}, answer: { text: 'fine' } }, twoBlocks] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FixtureError);
    expect(error).toMatchObject({ file: 'added', fixture: 'fixture 1' });
    expect((error as FixtureError).reason).toMatch(/anthropic's document rejects the JSON answer: .*content/);
    expect(() => createStandin({ documents, fixtures: [twoBlocks] })).not.toThrow();
  });
});
