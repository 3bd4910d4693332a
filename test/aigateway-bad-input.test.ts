/**
 * Bad input to AIgateway gets the OpenAI error envelope with the document's status, type and code, a
 * message naming the field at fault, and the request id; the server stays up.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useServer } from './support/server.js';
import { documentOf } from './support/documents.js';
import { fetchAnswer, type HttpAnswer as Answer } from './support/fetch-answer.js';

// Strict limits: a max_completion_tokens over the documented cap is refused here (served capped by default).
const server = useServer(['aigateway'], { options: { strictLimits: true } });
const examples: Record<number, { type: string; code: string }> = {};
beforeAll(async () => {
  // The document's catalogue, by status: the envelope each test expects.
  const doc = (await documentOf('aigateway')) as any;
  for (const [status, response] of Object.entries(doc.paths['/v1/chat/completions'].post.responses as Record<string, any>)) {
    if (Number(status) < 400) continue;
    const resolved = response.$ref ? doc.components.responses[response.$ref.split('/').pop()] : response;
    examples[Number(status)] = resolved.content['application/json'].example.error;
  }
});

const model = 'anthropic/claude-haiku-4.5';
const path = '/aigateway/v1/chat/completions';
const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-aig-test' };
const valid = { model, messages: [{ role: 'user', content: 'hi' }] };

const send = (url: string, init: RequestInit = {}): Promise<Answer> => fetchAnswer(`${server.url}${url}`, { method: 'POST', headers, ...init });

const post = (body: unknown) => send(path, { body: JSON.stringify(body) });

/** The envelope the document gives for `status`: same type and code, all four fields present. */
function expectEnvelope(r: Answer, status: number): void {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(Object.keys(r.body?.error ?? {}).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(r.body.error.type).toBe(examples[status]!.type);
  expect(r.body.error.code).toBe(examples[status]!.code);
  expect(typeof r.body.error.message).toBe('string');
  expect(r.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
}

function expectField(r: Answer, param: string): void {
  expectEnvelope(r, 400);
  expect(r.body.error.param).toBe(param);
  expect(r.body.error.message.startsWith(`${param}: `), r.body.error.message).toBe(true);
}

describe('aigateway bad input', () => {
  it('answers malformed JSON with 400 invalid_request_error and no param', async () => {
    const r = await send(path, { body: '{"model": "x", ' });
    expectEnvelope(r, 400);
    expect(r.body.error.param).toBeNull();
    expect(r.headers.get('x-should-retry')).toBe('false');
  });

  it.each([
    ['a wrong type', { ...valid, max_tokens: 'ten' }, 'max_tokens'],
    ['a limit over the 8,192 cap', { ...valid, max_completion_tokens: 9000 }, 'max_completion_tokens'],
    ['n above 128', { ...valid, n: 129 }, 'n'],
    ['a missing messages list', { model }, 'messages'],
    ['an empty messages list', { model, messages: [] }, 'messages'],
    ['a missing model', { messages: valid.messages }, 'model'],
    ['an unknown role', { model, messages: [{ role: 'function', content: 'x', name: 'f' }] }, 'messages.0.role'],
    ['a part without its text', { model, messages: [{ role: 'user', content: [{ type: 'text' }] }] }, 'messages.0.content.0.text'],
    ['an image URL with another scheme', { model, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }] }, 'messages.0.content.0.image_url.url'],
    ['a tool message without tool_call_id', { model, messages: [{ role: 'tool', content: 'x' }] }, 'messages.0.tool_call_id'],
    ['five stop sequences', { ...valid, stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    ['a temperature above 2', { ...valid, temperature: 2.5 }, 'temperature'],
    ['a custom tool', { ...valid, tools: [{ type: 'custom', custom: { name: 'x' } }] }, 'tools.0.function'],
    ['stream_options without stream', { ...valid, stream_options: { include_usage: true } }, 'stream_options'],
    ['stream_options with stream false', { ...valid, stream: false, stream_options: { include_usage: true } }, 'stream_options'],
    ['tool_choice without tools', { ...valid, tool_choice: 'required' }, 'tool_choice'],
    [
      'a named tool_choice that is not among the tools',
      { ...valid, tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: { type: 'function', function: { name: 'g' } } },
      'tool_choice.function.name',
    ],
    ['duplicate tool names', { ...valid, tools: [{ type: 'function', function: { name: 'f' } }, { type: 'function', function: { name: 'f' } }] }, 'tools.1.function.name'],
    ['a tool result that answers no call', { model, messages: [...valid.messages, { role: 'tool', tool_call_id: 'call_x', content: '1' }] }, 'messages.1.tool_call_id'],
    [
      'an unanswered tool call',
      { model, messages: [...valid.messages, { role: 'assistant', tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'f', arguments: '{}' } }] }, { role: 'user', content: 'and?' }] },
      'messages.1.tool_calls',
    ],
  ])('names the field for %s', async (_label, body, param) => {
    expectField(await post(body), param);
  });

  it('answers a wrong content type with 400 invalid_request_error', async () => {
    const r = await send(path, { headers: { ...headers, 'content-type': 'text/plain' }, body: JSON.stringify(valid) });
    expectEnvelope(r, 400);
    expect(r.body.error.message).toContain('Content-Type');
  });

  it('answers non-object JSON bodies with 400', async () => {
    for (const body of ['null', '[]', '42', '"text"', '{"messages": {"deep": [[[[[]]]]]}}']) {
      const r = await send(path, { body });
      expectEnvelope(r, 400);
    }
  });

  it('answers an unknown model with 404 not_found naming the model', async () => {
    const r = await post({ ...valid, model: 'anthropic/claude-haiku-9' });
    expectEnvelope(r, 404);
    expect(r.body.error.param).toBe('model');
    expect(r.body.error.message).toContain('anthropic/claude-haiku-9');
  });

  it('answers an unknown path, and a known path with the wrong method, with 404 and no param', async () => {
    for (const r of [await send('/aigateway/v1/completions', { body: JSON.stringify(valid) }), await send('/aigateway/v1/chat/completions', { method: 'GET' })]) {
      expectEnvelope(r, 404);
      expect(r.body.error.param).toBeNull();
    }
  });

  it('answers a missing or revoked key with 401 invalid_key', async () => {
    const { authorization: _a, ...noKey } = headers;
    expectEnvelope(await send(path, { headers: noKey, body: JSON.stringify(valid) }), 401);
    expectEnvelope(await send(path, { headers: { ...headers, authorization: 'Bearer invalid-1' }, body: JSON.stringify(valid) }), 401);
    expectEnvelope(await send('/aigateway/v1/models', { method: 'GET', headers: noKey }), 401);
  });

  it('answers a body over 32 MiB with 413 request_too_large, and keeps serving', async () => {
    const big = JSON.stringify({ model, messages: [{ role: 'user', content: 'x'.repeat(33 * 1024 * 1024) }] });
    const r = await send(path, { body: big }).catch((e: Error) => ({ status: 0, body: e.message, headers: new Headers() }));
    expectEnvelope(r, 413);
    expect((await post(valid)).status).toBe(200);
  });
});
