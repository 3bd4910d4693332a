/**
 * Requests the real Messages API refuses although each field alone is valid: each gets the provider's own
 * 400 invalid_request_error envelope naming the fields, at every Anthropic-native provider, never a 500;
 * and the allowed neighbours of each rule are still served.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin, type Engine } from '../src/standin.js';
import { anthropicNative } from './support/server.js';

let engine: Engine;
beforeAll(async () => {
  engine = createStandin({ documents: await loadDocuments(anthropicNative.map((p) => p.provider)) });
});

const tool = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };
const thinking = { type: 'enabled', budget_tokens: 1024 };

async function send(provider: string, body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' };
  const res = await engine.fetch(new Request(`http://standin.test/${provider}/v1/messages`, { method: 'POST', headers, body: JSON.stringify(body) }));
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe.each(anthropicNative)('$provider', ({ provider, model }) => {
  const base = { model, max_tokens: 2048, messages: [{ role: 'user', content: 'What is the weather in Paris?' }] };

  it.each([
    ['temperature with top_p', { temperature: 0.5, top_p: 0.9 }, /`temperature` and `top_p` cannot both be specified/],
    ['thinking with tool_choice any', { thinking, tools: [tool], tool_choice: { type: 'any' } }, /Thinking may not be enabled when tool_choice forces tool use/],
    ['thinking with a named tool_choice', { thinking, tools: [tool], tool_choice: { type: 'tool', name: 'get_weather' } }, /tool_choice forces tool use/],
    ['thinking with temperature 0.5', { thinking, temperature: 0.5 }, /`temperature` may only be set to 1 when thinking is enabled/],
    ['thinking with temperature 0', { thinking, temperature: 0 }, /`temperature` may only be set to 1/],
  ])('refuses %s with its invalid_request_error', async (_name, extra, message) => {
    for (const stream of [false, true]) {
      const { status, json } = await send(provider, { ...base, ...extra, stream });
      expect(status).toBe(400);
      expect(json.type).toBe('error');
      const error = json.error as Record<string, unknown>;
      expect(error.type).toBe('invalid_request_error');
      expect(String(error.message)).toMatch(message);
    }
  });

  it.each([
    ['temperature alone', { temperature: 0.5 }],
    ['top_p alone', { top_p: 0.9 }],
    ['thinking with temperature 1', { thinking, temperature: 1 }],
    ['thinking with tool_choice auto', { thinking, tools: [tool], tool_choice: { type: 'auto' } }],
    ['disabled thinking with tool_choice any', { thinking: { type: 'disabled' }, tools: [tool], tool_choice: { type: 'any' } }],
  ])('serves %s', async (_name, extra) => {
    const { status } = await send(provider, { ...base, ...extra });
    expect(status).toBe(200);
  });
});
