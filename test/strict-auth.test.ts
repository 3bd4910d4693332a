/** Auth: both SDK generations work by default; `strictAuth` accepts only what a provider's docs name. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin } from '../src/standin.js';
import type { JsonObject } from '../src/core/types.js';

let documents: Record<string, JsonObject>;
beforeAll(async () => {
  documents = await loadDocuments(['skillboss', 'bytespike', 'anthropic']);
});

const body = (model: string) => JSON.stringify({ model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
const models: Record<string, string> = { skillboss: 'anthropic/claude-haiku-4-5', bytespike: 'claude-haiku-4-5', anthropic: 'claude-haiku-4-5' };

async function status(strictAuth: boolean, provider: string, auth: Record<string, string>): Promise<number> {
  const engine = createStandin({ documents: { [provider]: documents[provider]! }, options: { strictAuth } });
  const res = await engine.fetch(
    new Request(`http://standin/${provider}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...auth },
      body: body(models[provider]!),
    }),
  );
  return res.status;
}

describe.each(['skillboss', 'bytespike', 'anthropic'])('%s', (provider) => {
  it('accepts x-api-key and Authorization: Bearer by default', async () => {
    expect(await status(false, provider, { 'x-api-key': 'k' })).toBe(200);
    expect(await status(false, provider, { authorization: 'Bearer k' })).toBe(200);
  });

  it('answers a missing key and a revoked key with 401', async () => {
    expect(await status(false, provider, {})).toBe(401);
    expect(await status(false, provider, { 'x-api-key': 'invalid-key' })).toBe(401);
    expect(await status(false, provider, { authorization: 'Basic abc' })).toBe(401);
  });

  it('in strict mode accepts only what the document names strictly', async () => {
    const strict = documents[provider]!['x-standin-strict-security'] as JsonObject[] | undefined;
    expect(await status(true, provider, { 'x-api-key': 'k' })).toBe(200);
    expect(await status(true, provider, { authorization: 'Bearer k' })).toBe(strict ? 401 : 200);
  });
});

it('accepts only the configured keys when given', async () => {
  const engine = createStandin({ documents: { anthropic: documents.anthropic! }, options: { acceptKeys: ['sk-good'] } });
  const send = (key: string) =>
    engine.fetch(
      new Request('http://standin/anthropic/v1/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': key },
        body: body('claude-haiku-4-5'),
      }),
    );
  expect((await send('sk-good')).status).toBe(200);
  expect((await send('sk-other')).status).toBe(401);
});
