/**
 * Every answer to a varied corpus of valid chat completion requests validates against AIgateway's
 * document, every stream follows the chunk grammar with each chunk valid, and the stream adds up to the
 * JSON answer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin, type Engine } from '../src/standin.js';
import { responseValidator, streamEventValidator } from '../src/core/schema-pointers.js';
import { createAjv, describeErrors } from '../src/core/validator.js';
import { parseSseText } from '../src/contract/parse-sse.js';
import { checkOpenAIStream } from '../src/contract/openai-stream.js';
import { openaiCorpus } from './support/openai-corpus.js';

const model = 'anthropic/claude-haiku-4.5';
let engine: Engine;
beforeAll(async () => {
  engine = createStandin({ documents: await loadDocuments(['aigateway']) });
});

/** Each request in a session of its own: automatic prompt caching would otherwise make a repeat differ. */
let sessions = 0;
function post(body: unknown, path = '/v1/chat/completions'): Promise<Response> {
  return engine.fetch(
    new Request(`http://standin/aigateway${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-aig-test', 'x-standin-session': `conformance-${++sessions}` },
      body: JSON.stringify(body),
    }),
  );
}

describe('aigateway', () => {
  it('answers every corpus request with a valid completion and an equivalent valid stream', async () => {
    const runtime = engine.providers.find((p) => p.name === 'aigateway')!;
    const op = runtime.operations.find((o) => o.operationId === 'createChatCompletion')!;
    const validateCompletion = responseValidator(engine.ajv, runtime, op, 200)!;
    const validateChunk = streamEventValidator(engine.ajv, runtime, op)!;
    const ajv = createAjv();
    const finishReasons = new Set<string>();
    const corpus = openaiCorpus(model);
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    for (const [i, body] of corpus.entries()) {
      const label = `corpus ${i}: ${JSON.stringify(body).slice(0, 160)}`;
      const res = await post(body);
      const text = await res.text();
      expect(res.status, `${label}\n${text}`).toBe(200);
      const completion = JSON.parse(text);
      expect(validateCompletion(completion), `${label}\n${describeErrors(validateCompletion.errors).message}`).toBe(true);
      const [choice] = completion.choices;
      finishReasons.add(choice.finish_reason);
      const usage = completion.usage;
      expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
      checkContent(body, choice, ajv, label);

      const includeUsage = i % 2 === 0;
      const streamed = await post({ ...body, stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) });
      expect(streamed.headers.get('content-type'), label).toMatch(/^text\/event-stream/);
      const events = parseSseText(await streamed.text());
      expect(events.at(-1)?.data, label).toBe('[DONE]');
      for (const e of events.slice(0, -1)) {
        expect(validateChunk(JSON.parse(e.data)), `${label}\n${e.data}\n${describeErrors(validateChunk.errors).message}`).toBe(true);
      }
      const report = checkOpenAIStream(events);
      expect(report.violations, label).toEqual([]);
      const accumulated = report.completion!;
      expect(accumulated.id, label).toBe(completion.id);
      expect(accumulated.choices, label).toEqual(completion.choices);
      if (includeUsage) expect(accumulated.usage, label).toEqual(completion.usage);
      else expect(accumulated.usage, label).toBeUndefined();
    }
    expect([...finishReasons].sort()).toEqual(['length', 'stop', 'tool_calls']);
  });

  it('answers the same request with the same content, streamed or not', async () => {
    const body = openaiCorpus(model, 6)[5]!;
    const { created: _a, ...a } = await (await post(body)).json();
    const { created: _b, ...b } = await (await post(body)).json();
    expect(a).toEqual(b);
  });

  it('serves the documented model list', async () => {
    const res = await engine.fetch(new Request('http://standin/aigateway/v1/models', { headers: { authorization: 'Bearer sk-aig-test' } }));
    const runtime = engine.providers[0]!;
    const op = runtime.operations.find((o) => o.operationId === 'listModels')!;
    const list = await res.json();
    expect(res.status).toBe(200);
    expect(list).toEqual(op.example);
    expect(responseValidator(engine.ajv, runtime, op, 200)!(list)).toBe(true);
  });
});

/** What each request asked of the content: JSON where JSON was asked, tool calls that fit the tools. */
function checkContent(body: Record<string, any>, choice: Record<string, any>, ajv: ReturnType<typeof createAjv>, label: string): void {
  const { message, finish_reason } = choice;
  const limit = body.max_completion_tokens ?? body.max_tokens ?? 8192;
  if (finish_reason === 'tool_calls') {
    expect(message.tool_calls.length, label).toBeGreaterThan(0);
    const parallel = body.parallel_tool_calls !== false && body.tools.length >= 2 && ['auto', 'required', undefined].includes(body.tool_choice);
    expect(message.tool_calls.length, label).toBe(parallel ? 2 : 1);
    for (const call of message.tool_calls) {
      const tool = body.tools.find((t: any) => t.function.name === call.function.name);
      expect(tool, label).toBeDefined();
      expect(call.id, label).toMatch(/^call_[0-9A-Za-z]{24}$/);
      const validate = ajv.compile(tool.function.parameters ?? { type: 'object' });
      expect(validate(JSON.parse(call.function.arguments)), `${label}\n${JSON.stringify(validate.errors)}`).toBe(true);
    }
    if (typeof body.tool_choice === 'object') expect(message.tool_calls.map((c: any) => c.function.name), label).toEqual([body.tool_choice.function.name]);
    return;
  }
  expect(message.tool_calls, label).toBeUndefined();
  if (finish_reason === 'length') return;
  const format = body.response_format?.type;
  if (format === 'json_object') expect(typeof JSON.parse(message.content), label).toBe('object');
  if (format === 'json_schema') {
    const validate = ajv.compile(body.response_format.json_schema.schema);
    expect(validate(JSON.parse(message.content)), `${label}\n${JSON.stringify(validate.errors)}`).toBe(true);
  }
  for (const stop of [body.stop ?? []].flat()) expect(message.content, label).not.toContain(stop);
  expect(limit, label).toBeGreaterThan(0);
}
