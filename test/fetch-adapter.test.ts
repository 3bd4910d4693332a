/** The `fetch` drop-in: an SDK talks to the engine with no socket at all. */
import { beforeAll, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { createFetch } from '../src/adapters/fetch.js';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin } from '../src/standin.js';

let client: Anthropic;
beforeAll(async () => {
  const engine = createStandin({ documents: await loadDocuments(['anthropic']) });
  client = new Anthropic({ apiKey: 'sk-test', baseURL: 'http://standin.invalid/anthropic', fetch: createFetch(engine), maxRetries: 1 });
});

it('serves messages.create and streaming through the fetch drop-in', async () => {
  const params = { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Hello' }] };
  const plain = await client.messages.create(params);
  const final = await client.messages.stream(params).finalMessage();
  expect(final.content).toEqual(plain.content);
});

it('lets an SDK retry a forced first-attempt 529 through the drop-in', async () => {
  const msg = await client.messages.create(
    { model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'again' }] },
    { headers: { Prefer: 'code=529, fail-first=1, retry-after=0' } },
  );
  expect(msg.stop_reason).toBeTruthy();
});
