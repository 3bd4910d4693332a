/**
 * Every answer to a varied corpus of valid requests validates against the provider's document, every
 * stream follows the event grammar with each event valid, and the stream adds up to the JSON answer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin, type Engine } from '../src/standin.js';
import { responseValidator, streamEventValidator } from '../src/core/schema-pointers.js';
import { describeErrors } from '../src/core/validator.js';
import { parseSseText } from '../src/contract/parse-sse.js';
import { checkAnthropicStream } from '../src/contract/anthropic-stream.js';
import { anthropicCorpus } from './support/anthropic-corpus.js';
import { anthropicNative } from './support/server.js';

let engine: Engine;
beforeAll(async () => {
  engine = createStandin({ documents: await loadDocuments(anthropicNative.map((p) => p.provider)) });
});

function post(provider: string, body: unknown): Promise<Response> {
  return engine.fetch(
    new Request(`http://standin/${provider}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(body),
    }),
  );
}

describe.each(anthropicNative)('$provider', ({ provider, model, maxTokens }) => {
  it('answers every corpus request with a valid Message and an equivalent valid stream', async () => {
    const runtime = engine.providers.find((p) => p.name === provider)!;
    const op = runtime.operations.find((o) => o.operationId === 'createMessage')!;
    const validateMessage = responseValidator(engine.ajv, runtime, op, 200)!;
    const validateEvent = streamEventValidator(engine.ajv, runtime, op)!;
    const stopReasons = new Set<string>();
    for (const body of anthropicCorpus(model, maxTokens)) {
      const res = await post(provider, body);
      const text = await res.text();
      expect(res.status, text).toBe(200);
      const message = JSON.parse(text);
      expect(validateMessage(message), describeErrors(validateMessage.errors).message).toBe(true);
      stopReasons.add(message.stop_reason);

      const streamed = await post(provider, { ...body, stream: true });
      expect(streamed.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const events = parseSseText(await streamed.text()).map((e) => ({ event: e.event, data: JSON.parse(e.data) }));
      for (const e of events) expect(validateEvent(e.data), `${e.event}: ${describeErrors(validateEvent.errors).message}`).toBe(true);
      const report = checkAnthropicStream(events);
      expect(report.violations).toEqual([]);
      expect(report.message!.content).toEqual(message.content);
      expect(report.message!.stop_reason).toBe(message.stop_reason);
      expect(report.message!.usage.output_tokens).toBe(message.usage.output_tokens);
      expect(report.message!.usage.input_tokens).toBe(message.usage.input_tokens);
    }
    expect([...stopReasons].sort()).toEqual(expect.arrayContaining(['end_turn', 'max_tokens', 'tool_use']));
  });

  it('answers the same request with the same content', async () => {
    const body = anthropicCorpus(model, 1024, 3)[2]!;
    const a = await (await post(provider, body)).json();
    const b = await (await post(provider, body)).json();
    expect(a).toEqual(b);
  });
});
