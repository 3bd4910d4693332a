/**
 * Bad input gets the provider's own error envelope (or a clean close), and the server stays up:
 * malformed JSON, wrong types, missing fields, wrong content type, oversized bodies, unknown paths,
 * and clients that disconnect mid-stream.
 */
import { describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { startServer } from '../src/adapters/node-server.js';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin } from '../src/standin.js';
import { isSseBody, observeSse } from '../src/sse/body.js';
import { anthropicNative, useServer } from './support/server.js';
import { fetchAnswer, type HttpAnswer } from './support/fetch-answer.js';

const server = useServer(anthropicNative.map((p) => p.provider));

const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' };

const send = (path: string, init: RequestInit = {}): Promise<HttpAnswer> => fetchAnswer(`${server.url}${path}`, { method: 'POST', headers, ...init });

function expectAnthropicError(r: { status: number; body: any; headers: Headers }, status: number, type: string): void {
  expect(r.status).toBe(status);
  expect(r.body?.type).toBe('error');
  expect(r.body?.error?.type).toBe(type);
  expect(typeof r.body?.error?.message).toBe('string');
  expect(r.headers.get('request-id')).toMatch(/^req_/);
}

describe.each(anthropicNative)('$provider', ({ provider, model }) => {
  const path = `/${provider}/v1/messages`;
  const valid = { model, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] };

  it('answers malformed JSON with invalid_request_error', async () => {
    const r = await send(path, { body: '{"model": "x", ' });
    expectAnthropicError(r, 400, 'invalid_request_error');
  });

  it('names the field at fault for a wrong type', async () => {
    const r = await send(path, { body: JSON.stringify({ ...valid, max_tokens: 'ten' }) });
    expectAnthropicError(r, 400, 'invalid_request_error');
    expect(r.body.error.message).toMatch(/^max_tokens: /);
  });

  it('names a missing required field', async () => {
    const { messages: _m, ...rest } = valid;
    const r = await send(path, { body: JSON.stringify(rest) });
    expectAnthropicError(r, 400, 'invalid_request_error');
    expect(r.body.error.message).toMatch(/^messages: Field required/);
  });

  it('names the field inside a content block', async () => {
    const r = await send(path, {
      body: JSON.stringify({ ...valid, messages: [{ role: 'user', content: [{ type: 'text' }] }] }),
    });
    expectAnthropicError(r, 400, 'invalid_request_error');
    expect(r.body.error.message).toMatch(/^messages\.0\.content\.0\.text: Field required/);
  });

  it('rejects a missing anthropic-version header', async () => {
    const { 'anthropic-version': _v, ...rest } = headers;
    const r = await send(path, { headers: rest, body: JSON.stringify(valid) });
    expectAnthropicError(r, 400, 'invalid_request_error');
    expect(r.body.error.message).toContain('anthropic-version');
  });

  it('rejects a wrong content type', async () => {
    const r = await send(path, { headers: { ...headers, 'content-type': 'text/plain' }, body: JSON.stringify(valid) });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.body?.type).toBe('error');
  });

  it('rejects an unknown model', async () => {
    const r = await send(path, { body: JSON.stringify({ ...valid, model: 'gpt-nothing' }) });
    expect([400, 404]).toContain(r.status);
    expect(r.body?.error?.message).toContain('gpt-nothing');
  });

  it('answers an unknown path with its not-found envelope', async () => {
    const r = await send(`/${provider}/v1/nothing-here`, { body: '{}' });
    expect(r.status).toBe(404);
    expect(r.body?.type).toBe('error');
  });

  it('enforces the rules a schema cannot say, naming the field', async () => {
    const tool = { name: 'lookup', input_schema: { type: 'object', properties: {} } };
    const cases: [unknown, RegExp][] = [
      [{ ...valid, tools: [tool, { ...tool, description: 'again' }] }, /^tools\.1\.name: Tool names must be unique/],
      [{ ...valid, tool_choice: { type: 'any' } }, /^tool_choice: /],
      [{ ...valid, tools: [tool], tool_choice: { type: 'tool', name: 'other' } }, /^tool_choice\.name: Tool 'other' not found/],
      [{ ...valid, max_tokens: 100, thinking: { type: 'enabled', budget_tokens: 1024 } }, /^max_tokens: must be greater than thinking\.budget_tokens/],
      [
        { ...valid, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_missing', content: 'x' }] }] },
        /^messages\.0\.content\.0: unexpected `tool_use_id`/,
      ],
    ];
    for (const [body, message] of cases) {
      const r = await send(path, { body: JSON.stringify(body) });
      expectAnthropicError(r, 400, 'invalid_request_error');
      expect(r.body.error.message, JSON.stringify(body)).toMatch(message);
    }
  });

  it('refuses absurdly nested JSON with invalid_request_error instead of overflowing the stack', async () => {
    const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const body = `{"model":${JSON.stringify(model)},"max_tokens":20,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"t","input_schema":{"type":"object","properties":{"x":${deep}}}}]}`;
    const r = await send(path, { body });
    expectAnthropicError(r, 400, 'invalid_request_error');
    expect(r.body.error.message).toMatch(/nested more than \d+ levels deep/);
  });

  it('answers non-object JSON bodies without crashing', async () => {
    for (const body of ['null', '[]', '42', '"text"', '{"messages": {"deep": [[[[[]]]]]}}', '\u0000\u0001']) {
      const r = await send(path, { body });
      expect(r.status, body).toBe(400);
      expect(r.body?.type, body).toBe('error');
    }
  });
});

describe('limits and disconnects', () => {
  it('answers a body over the documented limit with 413 request_too_large', async () => {
    const big = 'x'.repeat(33 * 1024 * 1024);
    const r = await send('/anthropic/v1/messages', {
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: big }] }),
    }).catch((e: Error) => ({ status: 0, body: e.message, headers: new Headers() }));
    expect(r.status).toBe(413);
    expect(r.body?.error?.type).toBe('request_too_large');
  });

  it('cancels the stream when the client disconnects, and keeps serving', async () => {
    // A second server whose engine reports when the stream's producer is stopped because the client left.
    const engine = createStandin({ documents: await loadDocuments(['anthropic']) });
    let cancelled!: () => void;
    const wasCancelled = new Promise<void>((resolve) => (cancelled = resolve));
    const watched = {
      handle: async (req: Parameters<typeof engine.handle>[0]) => {
        const reply = await engine.handle(req);
        if (!isSseBody(reply.body)) return reply;
        return { ...reply, body: observeSse(reply.body, { frames: () => undefined, end: (how) => void (how === 'cancelled' && cancelled()) }) };
      },
    };
    const own = await startServer(watched, { port: 0 });
    try {
      const body = JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 4000, stream: true, messages: [{ role: 'user', content: 'long' }] });
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest(
          `${own.url}/anthropic/v1/messages`,
          { method: 'POST', headers: { ...headers, prefer: 'tokens-per-second=20', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            expect(res.statusCode).toBe(200);
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          },
        );
        req.on('error', () => undefined);
        req.end(body);
        setTimeout(() => reject(new Error('no first event')), 5000);
      });
      await Promise.race([wasCancelled, new Promise((_r, reject) => setTimeout(() => reject(new Error('stream never cancelled')), 5000))]);
      const health = await fetch(`${own.url}/health`);
      expect(health.status).toBe(200);
    } finally {
      await own.close();
    }
  });

  it('answers a malformed %-escape in a path with not-found, not a crash', async () => {
    const r = await send('/anthropic/v1/models/%E0%A4%A', { method: 'GET' });
    expect(r.status).toBe(404);
    expect(r.body?.error?.type).toBe('not_found_error');
  });

  it('keeps digit-only query values as strings where the schema takes a string', async () => {
    const r = await send('/anthropic/v1/models?after_id=123&limit=5', { method: 'GET' });
    expect(r.status).toBe(200);
    const bad = await send('/anthropic/v1/models?limit=abc', { method: 'GET' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^limit: /);
  });

  it('answers an unknown provider prefix with a standin problem listing the providers', async () => {
    const r = await send('/nobody/v1/messages', { body: '{}' });
    expect(r.status).toBe(404);
    expect(String(r.body.detail)).toContain('/anthropic');
  });
});
