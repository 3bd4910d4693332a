/**
 * A `null`, number or string where a block or message is expected is the provider's 400 naming the
 * field (the documents' tagged unions say `type: object`), never a standin 500 or a 200; and on the answer
 * side the same schemas refuse a Message whose content is `[42]`, so the contract suite fails it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin, type Engine } from '../src/standin.js';
import { responseValidator } from '../src/core/schema-pointers.js';

let engine: Engine;
beforeAll(async () => {
  engine = createStandin({ documents: await loadDocuments(['skillboss', 'bytespike', 'anthropic', 'aigateway', 'runware']) });
});

const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-test', authorization: 'Bearer sk-test', 'anthropic-version': '2023-06-01' };
const models: Record<string, string> = { skillboss: 'anthropic/claude-haiku-4-5', bytespike: 'claude-haiku-4-5', anthropic: 'claude-haiku-4-5' };

async function post(path: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await engine.fetch(new Request(`http://standin.test/${path}`, { method: 'POST', headers, body: JSON.stringify(body) }));
  return { status: res.status, text: await res.text() };
}

describe.each(Object.keys(models))('%s refuses non-objects where blocks belong', (provider) => {
  it.each([
    ['a null content block', { messages: [{ role: 'user', content: [null] }] }, 'messages.0.content.0'],
    ['a number as a content block', { messages: [{ role: 'user', content: [42] }] }, 'messages.0.content.0'],
    ['a string as a content block', { messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, 'b'] }] }, 'messages.0.content.1'],
    ['a null message', { messages: [null] }, 'messages.0'],
  ])('%s', async (_name, part, field) => {
    const { status, text } = await post(`${provider}/v1/messages`, { model: models[provider], max_tokens: 16, ...part });
    expect(status).toBe(400);
    expect(text).toContain('invalid_request_error');
    expect(text).toContain(field);
  });
});

describe('aigateway refuses non-objects where messages and parts belong', () => {
  it.each([
    ['a null message', [null], 'messages.0'],
    ['a null content part', [{ role: 'user', content: [null] }], 'messages.0.content.0'],
  ])('%s', async (_name, messages, field) => {
    const { status, text } = await post('aigateway/v1/chat/completions', { model: 'anthropic/claude-haiku-4.5', messages });
    expect(status).toBe(400);
    expect(text).toContain(field);
  });
});

it('the Anthropic Message schema refuses content [42] on the answer side', () => {
  const provider = engine.providers.find((p) => p.name === 'anthropic')!;
  const op = provider.operations.find((o) => o.operationId === 'createMessage' || o.path === '/v1/messages')!;
  const validate = responseValidator(engine.ajv, provider, op, 200)!;
  const message = {
    id: 'msg_01',
    type: 'message',
    role: 'assistant',
    model: 'claude-haiku-4-5-20251001',
    content: [{ type: 'text', text: 'hi' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 1, output_tokens: 1 },
  };
  const valid = validate(message);
  expect(valid, JSON.stringify(validate.errors)).toBe(true);
  expect(validate({ ...message, content: [42] })).toBe(false);
  expect(validate({ ...message, content: [null] })).toBe(false);
});
