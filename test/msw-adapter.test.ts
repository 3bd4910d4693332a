/** The engine in process through MSW: an SDK pointed at the real provider URL is answered by standin. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import Anthropic from '@anthropic-ai/sdk';
import { createMswHandlers, drainMockedClones } from '../src/adapters/msw.js';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin } from '../src/standin.js';

let server: ReturnType<typeof setupServer>;
beforeAll(async () => {
  const engine = createStandin({ documents: await loadDocuments(['anthropic']), mount: 'root' });
  server = setupServer(...createMswHandlers(engine, 'https://api.anthropic.com'));
  server.listen({ onUnhandledRequest: 'error' });
  drainMockedClones(server);
});
afterAll(() => server?.close());

const client = () => new Anthropic({ apiKey: 'sk-test', maxRetries: 2 });
const params = { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Hello from MSW' }] };

it('answers messages.create and a stream with the same content', async () => {
  const plain = await client().messages.create(params);
  expect(plain.id).toMatch(/^msg_/);
  const final = await client().messages.stream(params).finalMessage();
  expect(final.content).toEqual(plain.content);
});

it('lets the SDK retry a first-attempt 429 to success (no hang on body.cancel)', async () => {
  const msg = await client().messages.create(params, { headers: { Prefer: 'code=429, fail-first=1, retry-after=0' } });
  expect(msg.type).toBe('message');
}, 10_000);

it('streams a tool call and a mid-stream error through MSW', async () => {
  const tools = [{ name: 'lookup', description: 'Look something up', input_schema: { type: 'object' as const, properties: { q: { type: 'string' } }, required: ['q'] } }];
  const final = await client().messages.stream({ ...params, tools, tool_choice: { type: 'any' } }).finalMessage();
  expect(final.stop_reason).toBe('tool_use');
  const failing = client().messages.stream(params, { headers: { Prefer: 'stream-error=overloaded_error, stream-error-after=3' } });
  await expect(failing.finalMessage()).rejects.toThrow(/Overloaded/);
});

it('raises the SDK error class for a forced 400', async () => {
  await expect(client().messages.create(params, { headers: { Prefer: 'code=400' }, maxRetries: 0 })).rejects.toBeInstanceOf(Anthropic.BadRequestError);
});
