/**
 * Output caps a document states (ByteSpike's 8,192 for max_tokens, AIgateway's 8,192): the Vercel AI SDK
 * and LangChain send Haiku 4.5's own limit (64,000) by default, and get an answer capped at the stated
 * limit with an `x-standin-diagnostic` header, not a 400; `strictLimits` (`standin serve --strict-limits`)
 * still refuses them with the provider's 400.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { createAnthropic } from '@ai-sdk/anthropic';
import { ChatAnthropic } from '@langchain/anthropic';
import { generateText } from 'ai';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin } from '../src/standin.js';
import { useServer } from './support/server.js';
import { spawnCli, waitFor } from './support/cli-process.js';

const { base } = useServer(['bytespike', 'aigateway']);

/** A fetch that records the max_tokens each request asked for and the diagnostic each answer carried. */
function watching(): { fetch: typeof fetch; asked: unknown[]; diagnostics: (string | null)[] } {
  const asked: unknown[] = [];
  const diagnostics: (string | null)[] = [];
  const watched = (async (input: RequestInfo | URL, init?: RequestInit) => {
    if (typeof init?.body === 'string') asked.push((JSON.parse(init.body) as { max_tokens?: unknown }).max_tokens);
    const res = await fetch(input, init);
    diagnostics.push(res.headers.get('x-standin-diagnostic'));
    return res;
  }) as typeof fetch;
  return { fetch: watched, asked, diagnostics };
}

describe('ByteSpike with the clients’ default max_tokens', () => {
  it('the Vercel AI SDK (@ai-sdk/anthropic) gets an answer', async () => {
    const w = watching();
    const model = createAnthropic({ baseURL: base('bytespike/v1'), apiKey: 'sk-test', fetch: w.fetch })('claude-haiku-4-5');
    const result = await generateText({ model, prompt: 'Say hello' });
    expect(result.text.length).toBeGreaterThan(0);
    expect(w.asked[0]).toBe(64000);
    expect(w.diagnostics[0]).toMatch(/max_tokens 64000 is above the documented output cap of 8192/);
  });

  it('LangChain ChatAnthropic gets an answer', async () => {
    const w = watching();
    const chat = new ChatAnthropic({ model: 'claude-haiku-4-5', apiKey: 'sk-test', anthropicApiUrl: base('bytespike'), clientOptions: { fetch: w.fetch } });
    const reply = await chat.invoke('Say hello');
    expect(String(reply.content).length).toBeGreaterThan(0);
    expect(Number(w.asked[0])).toBeGreaterThan(8192);
    expect(w.diagnostics[0]).toMatch(/documented output cap of 8192/);
  });

  it('the answer is capped at the stated limit', async () => {
    const res = await fetch(base('bytespike/v1/messages'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64000, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { usage: { output_tokens: number } };
    expect(body.usage.output_tokens).toBeLessThanOrEqual(8192);
    // The worst-case estimate ByteSpike sends ahead of the answer is priced at the cap, not at 64000.
    expect(Number(res.headers.get('estimated-credits'))).toBeLessThan((64000 * 5) / 1e6);
  });

  it('AIgateway serves max_tokens above its cap the same way', async () => {
    const res = await fetch(base('aigateway/v1/chat/completions'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
      body: JSON.stringify({ model: 'anthropic/claude-haiku-4.5', max_completion_tokens: 20000, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-standin-diagnostic')).toMatch(/max_completion_tokens 20000 .* 8192/);
  });

  it('a request within the cap carries no diagnostic', async () => {
    const res = await fetch(base('bytespike/v1/messages'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 8192, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-standin-diagnostic')).toBeNull();
  });
});

describe('strictLimits refuses as the documents say', () => {
  it('the strictLimits option answers the provider’s 400', async () => {
    const engine = createStandin({ documents: await loadDocuments(['bytespike', 'aigateway']), options: { strictLimits: true } });
    const res = await engine.fetch(
      new Request('http://standin.test/bytespike/v1/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64000, messages: [{ role: 'user', content: 'Hi' }] }),
      }),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^max_tokens: .*8192/);
  });

  const running: ChildProcess[] = [];
  afterEach(() => {
    for (const child of running.splice(0)) child.kill();
  });

  it('standin serve --strict-limits refuses, plain serve answers', async () => {
    const statuses: number[] = [];
    for (const flags of [['--strict-limits'], []]) {
      const cli = spawnCli(['serve', '--port', '0', '--provider', 'bytespike', '--quiet', ...flags], running);
      await waitFor(cli.output, /http:\/\/127\.0\.0\.1:\d+/);
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(cli.output())![0];
      const res = await fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64000, messages: [{ role: 'user', content: 'Hi' }] }),
      });
      statuses.push(res.status);
      cli.child.kill();
    }
    expect(statuses).toEqual([400, 200]);
  }, 30_000);
});
