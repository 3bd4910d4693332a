/**
 * A local stand-in for a real provider, for recording tests: answers Anthropic messages and OpenAI chat
 * completions, streams slowly (one event every `gapMs`), checks the caller's key arrived, and sends the
 * account headers a recorder must not keep.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUpstream {
  url: string;
  /** When each streamed answer finished sending (epoch ms), in order. */
  streamEnds: number[];
  requests: number;
  close(): Promise<void>;
}

export const ORG_ID = 'org-7f3a9c11-secret-account';

export async function startFakeUpstream(key: string, gapMs = 60, options: { cutAfter?: number } = {}): Promise<FakeUpstream> {
  const fake: FakeUpstream = { url: '', streamEnds: [], requests: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c));
    req.on('end', () => {
      fake.requests++;
      const auth = req.headers['x-api-key'] ?? String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      const common = { 'request-id': `req_fake${fake.requests}`, 'anthropic-organization-id': ORG_ID, 'openai-organization': ORG_ID, 'set-cookie': `session=${key}` };
      if (auth !== key) {
        res.writeHead(401, { 'content-type': 'application/json', ...common });
        return res.end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }));
      }
      const body = JSON.parse(raw) as Record<string, unknown>;
      const openai = req.url!.includes('chat/completions');
      const words = ['Recorded ', 'answer ', 'from ', 'the ', 'fake ', 'upstream.'];
      if (body.stream !== true) {
        res.writeHead(200, { 'content-type': 'application/json', ...common });
        return res.end(JSON.stringify(openai ? openaiJson(words.join('')) : anthropicJson(words.join(''))));
      }
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...common });
      const frames = openai ? openaiFrames(words) : anthropicFrames(words);
      let i = 0;
      const next = () => {
        if (options.cutAfter !== undefined && i === options.cutAfter) {
          res.destroy();
          return;
        }
        if (i === frames.length) {
          res.end();
          fake.streamEnds.push(Date.now());
          return;
        }
        res.write(frames[i++]);
        setTimeout(next, gapMs);
      };
      next();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

const usage = { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 6, service_tier: 'standard' };

function anthropicJson(text: string) {
  return { id: 'msg_01FakeUpstream000000000', type: 'message', role: 'assistant', model: 'claude-haiku-4-5', content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null, usage };
}

function anthropicFrames(words: string[]): string[] {
  const ev = (data: Record<string, unknown>) => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;
  return [
    ev({ type: 'message_start', message: { ...anthropicJson(''), content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } }),
    ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    ...words.map((text) => ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })),
    ev({ type: 'content_block_stop', index: 0 }),
    ev({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 6 } }),
    ev({ type: 'message_stop' }),
  ];
}

function openaiJson(text: string) {
  return {
    id: 'chatcmpl-fakeupstream',
    object: 'chat.completion',
    created: 1764800000,
    model: 'anthropic/claude-haiku-4.5',
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
  };
}

function openaiFrames(words: string[]): string[] {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-fakeupstream', object: 'chat.completion.chunk', created: 1764800000, model: 'anthropic/claude-haiku-4.5', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
  return [chunk({ role: 'assistant', content: '' }), ...words.map((content) => chunk({ content })), chunk({}, 'stop'), 'data: [DONE]\n\n'];
}
