/**
 * Message threads as SDK 1.16 sends them: `thread: {type: "create"}`, then `continue` with only the new
 * turn. standin keeps the history per session and provider in its state store, and refuses what the real
 * API refuses with the `error.details.error_code` the SDK reads to recover.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin, type Engine } from '../src/standin.js';
import { createFetch } from '../src/adapters/fetch.js';
import { anthropicNative } from './support/server.js';

let engine: Engine;
beforeAll(async () => {
  engine = createStandin({ documents: await loadDocuments(anthropicNative.map((p) => p.provider)) });
});

type Obj = Record<string, unknown>;
const tool = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };

describe.each(anthropicNative)('$provider', ({ provider, model }) => {
  let session = 0;
  async function send(body: Obj, sessionId: string): Promise<{ status: number; json: Obj }> {
    const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01', 'x-standin-session': sessionId };
    const res = await engine.fetch(new Request(`http://standin.test/${provider}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ model, max_tokens: 512, ...body }) }));
    return { status: res.status, json: (await res.json()) as Obj };
  }

  it('continues a thread from only the new turn, then refuses a second continue of the same answer', async () => {
    const s = `threads-${provider}-${session++}`;
    const first = await send({ tools: [tool], messages: [{ role: 'user', content: 'What is the weather in Paris?' }], thread: { type: 'create' } }, s);
    expect(first.status).toBe(200);
    const call = (first.json.content as Obj[]).find((b) => b.type === 'tool_use')!;
    expect(call).toBeDefined();
    const turn = { messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18°C' }] }], thread: { type: 'continue', previous_message_id: first.json.id } };
    const second = await send(turn, s);
    expect(second.status).toBe(200);
    // The kept history holds the tool call, so the tool result is answered in text.
    expect(second.json.stop_reason).toBe('end_turn');
    const again = await send(turn, s);
    expect(again.status).toBe(400);
    expect((again.json.error as Obj).details).toEqual({ error_code: 'thread_already_continued' });
  });

  it('answers an unknown previous_message_id with 404 thread_not_found, also from another session', async () => {
    const s = `threads-${provider}-${session++}`;
    const first = await send({ messages: [{ role: 'user', content: 'Hi' }], thread: { type: 'create' } }, s);
    const turn = { messages: [{ role: 'user', content: 'Go on' }], thread: { type: 'continue', previous_message_id: first.json.id } };
    const elsewhere = await send(turn, `${s}-other`);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.json.error).toMatchObject({ type: 'not_found_error', details: { error_code: 'thread_not_found' } });
  });

  it('refuses changed tools, and thinking, with their error codes', async () => {
    const s = `threads-${provider}-${session++}`;
    const first = await send({ tools: [tool], messages: [{ role: 'user', content: 'Hi' }], thread: { type: 'create' } }, s);
    const changed = await send({ tools: [{ ...tool, name: 'other' }], messages: [{ role: 'user', content: 'Go on' }], thread: { type: 'continue', previous_message_id: first.json.id } }, s);
    expect(changed.status).toBe(400);
    expect((changed.json.error as Obj).details).toEqual({ error_code: 'thread_fingerprint_mismatch' });
    const thinking = await send({ max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'Hi' }], thread: { type: 'create' } }, s);
    expect(thinking.status).toBe(400);
    expect((thinking.json.error as Obj).details).toEqual({ error_code: 'thread_unsupported_request', unsupported: ['thinking'] });
  });

  it('SDK 1.16 messages.thread() keeps a conversation over three turns', async () => {
    const client = new Anthropic({ apiKey: 'sk-test', baseURL: `http://standin.test/${provider}`, fetch: createFetch(engine) });
    const thread = client.beta.messages.thread({ model, max_tokens: 256, messages: [] });
    for (const text of ['Hello', 'Tell me more', 'Thanks']) {
      const reply = await thread.send([{ role: 'user', content: text }]);
      expect(reply.stop_reason).toBe('end_turn');
    }
    expect(thread.params.messages).toHaveLength(6);
  });
});
