/**
 * The settle step: a source with a `settle` hook is told the status and usage of what is answered
 * (output tokens included, streamed or not), and its header values reach the answer's documented
 * `x-standin-value` headers.
 */
import { describe, expect, it } from 'vitest';
import type { Settled, OutcomeSource } from '../src/core/outcome/types.js';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin } from '../src/standin.js';

function meter(seen: Settled[], values?: Record<string, string>): OutcomeSource {
  return { name: 'meter', choose: () => undefined, settle: (_ctx, settled) => (seen.push(settled), values) };
}

const anthropicBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 200, messages: [{ role: 'user', content: 'Tell me about rivers.' }], ...extra });
const anthropicHeaders = { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' };

describe('settle seam', () => {
  it('tells an asked source the usage of a JSON answer, as the body reports it', async () => {
    const seen: Settled[] = [];
    const standin = createStandin({ documents: await loadDocuments(['anthropic']), sources: [meter(seen)] });
    const res = await standin.fetch(new Request('http://t/anthropic/v1/messages', { method: 'POST', headers: anthropicHeaders, body: anthropicBody() }));
    const body = (await res.json()) as { usage: { input_tokens: number; output_tokens: number } };
    expect(seen).toHaveLength(1);
    expect(seen[0]!.status).toBe(200);
    expect(seen[0]!.source).toBe('synthesis');
    expect(seen[0]!.usage?.inputTokens).toBe(body.usage.input_tokens);
    expect(seen[0]!.usage?.outputTokens).toBe(body.usage.output_tokens);
  });

  it('tells it the usage a stream ends with', async () => {
    const seen: Settled[] = [];
    const standin = createStandin({ documents: await loadDocuments(['anthropic']), sources: [meter(seen)] });
    const res = await standin.fetch(new Request('http://t/anthropic/v1/messages', { method: 'POST', headers: anthropicHeaders, body: anthropicBody({ stream: true }) }));
    const text = await res.text();
    const delta = text.split('\n').filter((l) => l.startsWith('data: ') && l.includes('"message_delta"'));
    const outputTokens = (JSON.parse(delta[0]!.slice(6)) as { usage: { output_tokens: number } }).usage.output_tokens;
    expect(seen[0]!.usage?.outputTokens).toBe(outputTokens);
    expect(outputTokens).toBeGreaterThan(0);
  });

  it('reads OpenAI and Runware usage too', async () => {
    const seen: Settled[] = [];
    const standin = createStandin({ documents: await loadDocuments(['aigateway', 'runware']), sources: [meter(seen)] });
    const chat = await standin.fetch(
      new Request('http://t/aigateway/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-aig-test' },
        body: JSON.stringify({ model: 'anthropic/claude-haiku-4.5', messages: [{ role: 'user', content: 'Hi there' }] }),
      }),
    );
    const completion = (await chat.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    expect(seen[0]!.usage).toMatchObject({ inputTokens: completion.usage.prompt_tokens, outputTokens: completion.usage.completion_tokens });
    const task = { taskType: 'textInference', taskUUID: '0b8e4a36-3f7c-4a51-9d7e-2f1c3b5a6d70', model: 'anthropic:claude@haiku-4.5', includeUsage: true, messages: [{ role: 'user', content: 'Hi' }] };
    const rw = await standin.fetch(
      new Request('http://t/runware/v1', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer rw-test' }, body: JSON.stringify([task]) }),
    );
    const item = ((await rw.json()) as { data: { usage: { promptTokens: number; completionTokens: number } }[] }).data[0]!;
    expect(seen[1]!.usage).toMatchObject({ inputTokens: item.usage.promptTokens, outputTokens: item.usage.completionTokens });
  });

  it('is not called on a source that was not asked, and sees no usage on an error', async () => {
    const seen: Settled[] = [];
    const standin = createStandin({ documents: await loadDocuments(['anthropic']), sources: [meter(seen)] });
    // Prefer: code= answers before the meter is asked.
    await standin.fetch(new Request('http://t/anthropic/v1/messages', { method: 'POST', headers: { ...anthropicHeaders, prefer: 'code=529' }, body: anthropicBody() }));
    expect(seen).toHaveLength(0);
    await standin.fetch(new Request('http://t/anthropic/v1/messages', { method: 'POST', headers: anthropicHeaders, body: anthropicBody({ max_tokens: 0 }) }));
    // A body the schema refuses never reaches the sources; one only the handler refuses does, as an error.
    await standin.fetch(new Request('http://t/anthropic/v1/messages', { method: 'POST', headers: anthropicHeaders, body: anthropicBody({ tool_choice: { type: 'any' } }) }));
    expect(seen).toHaveLength(1);
    for (const s of seen) {
      expect(s.status).toBeGreaterThanOrEqual(400);
      expect(s.usage).toBeUndefined();
    }
  });

  it('puts the values a hook answers into the documented x-standin-value headers, over the handler\'s', async () => {
    const standin = createStandin({ documents: await loadDocuments(['bytespike']), sources: [meter([], { 'estimated-credits': '1.234' })] });
    const res = await standin.fetch(new Request('http://t/bytespike/v1/messages', { method: 'POST', headers: anthropicHeaders, body: anthropicBody() }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-bytespike-estimated-credits')).toBe('1.234');
    const plain = createStandin({ documents: await loadDocuments(['bytespike']) });
    const own = await plain.fetch(new Request('http://t/bytespike/v1/messages', { method: 'POST', headers: anthropicHeaders, body: anthropicBody() }));
    expect(Number(own.headers.get('x-bytespike-estimated-credits'))).toBeGreaterThan(0);
    expect(own.headers.get('x-bytespike-estimated-credits')).not.toBe('1.234');
  });
});
