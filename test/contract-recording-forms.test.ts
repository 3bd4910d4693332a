/**
 * The recording forms other projects keep real traffic in (VCR cassettes, AI SDK chunk files and bodies),
 * the stream allowances real traffic needs, and the contract suite's judgement of recordings that kept
 * less than a probe would send (no request, no key header, a choice that names no tool).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkAnthropicStream } from '../src/contract/anthropic-stream.js';
import { checkOpenAIStream } from '../src/contract/openai-stream.js';
import { jsonLinesRecording, parseCassette, RECORD_FORMAT } from '../src/contract/recordings.js';
import { runContract } from '../src/contract/run.js';
import { createRecordedTarget } from '../src/contract/target.js';
import { readRecordings } from '../src/node/read-recordings.js';
import { setupFor } from './support/contract.js';

describe('VCR cassettes', () => {
  const interaction = (response: Record<string, unknown>) => ({
    request: { method: 'POST', uri: 'https://api.anthropic.com/v1/messages?beta=true', headers: { 'content-type': ['application/json'] }, body: '{"model":"m","max_tokens":5}' },
    response,
  });

  it('reads vcrpy bodies (body.string, status.code, headers as lists) and marks headers as scrubbed', () => {
    const read = parseCassette('c.yaml', {
      interactions: [interaction({ status: { code: 200, message: 'OK' }, headers: { 'Content-Type': ['application/json'], 'X-A': ['1', '2'] }, body: { string: '{"ok":true}' } })],
      version: 1,
    })!;
    expect(read).toHaveLength(1);
    expect(read[0]).toMatchObject({
      label: 'c.yaml#0',
      request: { method: 'POST', path: '/v1/messages?beta=true', rawBody: '{"model":"m","max_tokens":5}' },
      response: { status: 200, headers: { 'content-type': 'application/json', 'x-a': '1, 2' }, text: '{"ok":true}' },
    });
    expect(read[0]!.response.headersScrubbed).toMatch(/cassette/);
  });

  it('reads pydantic-ai parsed bodies as JSON', () => {
    const read = parseCassette('p.yaml', {
      interactions: [{ request: { method: 'post', uri: 'https://x.test/v1/messages', parsed_body: { a: 1 } }, response: { status: { code: 400 }, parsed_body: { type: 'error' } } }],
    })!;
    expect(read[0]).toMatchObject({ request: { method: 'POST', path: '/v1/messages', body: { a: 1 } }, response: { status: 400, body: { type: 'error' } } });
  });

  it('refuses YAML that is no cassette', () => {
    expect(parseCassette('x.yaml', { openapi: '3.1.0' })).toBeUndefined();
    expect(parseCassette('x.yaml', { interactions: [{ request: { method: 'GET', uri: 'not a url' }, response: { status: 200 } }] })).toBeUndefined();
  });
});

describe('AI SDK chunk files', () => {
  const start = (id: string) => JSON.stringify({ type: 'message_start', message: { id } });
  it('split into one stream per message_start (a multi-step call keeps its steps back to back)', () => {
    const read = jsonLinesRecording('s.chunks.txt', [start('a'), '{"type":"message_stop"}', '', start('b'), '{"type":"message_stop"}'].join('\n'));
    expect(read.map((r) => r.label)).toEqual(['s.chunks.txt#0', 's.chunks.txt#1']);
    expect(read[1]!.response.text).toBe(`data: ${start('b')}\n\ndata: {"type":"message_stop"}\n\n`);
  });
  it('stay one exchange when they hold one stream', () => {
    expect(jsonLinesRecording('o.chunks.txt', `{"id":"c","choices":[]}\n{"id":"c","choices":[]}\n`).map((r) => r.label)).toEqual(['o.chunks.txt']);
  });
});

const usage = { input_tokens: 3, output_tokens: 1 };
const msg = (extra: Record<string, unknown> = {}) => ({ id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, stop_sequence: null, usage, ...extra });
const ev = (data: Record<string, unknown>) => ({ event: String(data.type), data });

describe('the Anthropic stream grammar on real shapes', () => {
  it('continues block indices after a pre-filled message_start', () => {
    const prefilled = [{ type: 'container_upload', file_id: 'file_1' }];
    const report = checkAnthropicStream([
      ev({ type: 'message_start', message: msg({ content: prefilled }) }),
      ev({ type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }),
      ev({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'hi' } }),
      ev({ type: 'content_block_stop', index: 1 }),
      ev({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } }),
      ev({ type: 'message_stop' }),
    ]);
    expect(report.violations).toEqual([]);
    expect(report.message?.content).toEqual([...prefilled, { type: 'text', text: 'hi' }]);
    // Index 0 would restart the count over the pre-filled block.
    const wrong = checkAnthropicStream([ev({ type: 'message_start', message: msg({ content: prefilled }) }), ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })]);
    expect(wrong.violations.join()).toContain('index 0, expected 1');
  });

  it('accepts a finished pre-filled message_start followed by message_stop alone, and only a finished one', () => {
    const finished = msg({ content: [{ type: 'tool_use', id: 'toolu_1', name: 't', input: {} }], stop_reason: 'tool_use' });
    expect(checkAnthropicStream([ev({ type: 'message_start', message: finished }), ev({ type: 'message_stop' })]).violations).toEqual([]);
    expect(checkAnthropicStream([ev({ type: 'message_start', message: msg() }), ev({ type: 'message_stop' })]).violations.join()).toContain('message_stop before any message_delta');
  });

  it('streams an mcp_tool_use input as JSON deltas, and ignores event types it does not know', () => {
    const report = checkAnthropicStream([
      ev({ type: 'message_start', message: msg() }),
      ev({ type: 'content_block_start', index: 0, content_block: { type: 'mcp_tool_use', id: 'mcptoolu_1', name: 'n', server_name: 's', input: {} } }),
      ev({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"q":1}' } }),
      ev({ type: 'future_event', anything: true }),
      ev({ type: 'content_block_stop', index: 0 }),
      ev({ type: 'message_delta', delta: { stop_reason: 'model_context_window_exceeded', stop_sequence: null }, usage: { output_tokens: 2 } }),
      ev({ type: 'message_stop' }),
    ]);
    expect(report.violations).toEqual([]);
    expect(report.message?.content[0]).toMatchObject({ type: 'mcp_tool_use', input: { q: 1 } });
  });
});

describe('the OpenAI stream grammar on real shapes', () => {
  const chunk = (extra: Record<string, unknown>) => ({ data: { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', ...extra } });
  const head = [
    chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }] }),
    chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
    chunk({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }),
  ];
  it("lets an add-on's result chunk (a moderation verdict) follow the usage chunk", () => {
    expect(checkOpenAIStream([...head, chunk({ choices: [], usage: null, moderation: { input: {} } }), { data: '[DONE]' }]).violations).toEqual([]);
  });
  it('still refuses an empty chunk after usage that carries nothing', () => {
    expect(checkOpenAIStream([...head, chunk({ choices: [], usage: null }), { data: '[DONE]' }]).violations.join()).toContain('a chunk after the usage chunk');
  });
});

describe("the suite's judgement of recordings", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'standin-forms-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function judge(provider: string) {
    const { ctx, protocol } = await setupFor(provider, false);
    const found = await readRecordings(dir, [provider, ...protocol.recordingFolders]);
    expect(found.unreadable).toEqual([]);
    const report = await runContract(ctx, protocol, createRecordedTarget(found.folder, found.exchanges));
    return (id: string) => report.checks.find((c) => c.id === id);
  }

  it('does not hold an answer kept without its request against the probe’s own max_tokens', async () => {
    const body = { ...msg({ content: [{ type: 'text', text: 'long' }], stop_reason: 'end_turn' }), usage: { input_tokens: 3, output_tokens: 5000 } };
    await writeFile(join(dir, 'long.response.json'), JSON.stringify(body));
    const find = await judge('anthropic');
    expect(find('anthropic.createMessage.json.usage.consistent@long.response.json')?.outcome).toBe('pass');
    expect(find('anthropic.createMessage.json.body.schema@long.response.json')?.outcome).toBe('pass');
  });

  it('accepts a call to any offered tool under tool_choice "required", and no tool outside the offer', async () => {
    const tool = (name: string) => ({ type: 'function', function: { name, parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } });
    const answer = (name: string) => ({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name, arguments: '{"city":"Paris"}' } }] } }],
      usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
    });
    const exchange = (name: string, called: string) => ({
      name,
      request: {
        method: 'POST',
        path: '/v1/chat/completions',
        headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
        body: { model: 'm', messages: [{ role: 'user', content: 'Weather?' }], tools: [tool('first'), tool('second')], tool_choice: 'required' },
      },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: answer(called) },
    });
    await writeFile(join(dir, 'required.json'), JSON.stringify({ format: RECORD_FORMAT, exchanges: [exchange('second', 'second'), exchange('other', 'third')] }));
    const find = await judge('aigateway');
    expect(find('aigateway.createChatCompletion.behaviour.forced-tool.tool-call@required.json#second')?.outcome).toBe('pass');
    expect(find('aigateway.createChatCompletion.behaviour.forced-tool.tool-call@required.json#other')).toMatchObject({ outcome: 'fail', expected: 'a call to first or second' });
  });
});
