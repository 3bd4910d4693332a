// The requests the bench sends, and standin's own answers to them captured in process, so the baseline
// servers send the same bytes: the JSON answer with its headers, and each stream's frames with the
// tokens each carries (for the paced baseline's schedule).
import { loadDocuments } from '../dist/node/load-documents.js';
import { createStandin } from '../dist/standin.js';
import { frameEvent } from '../dist/sse/frame.js';

const anthropicHeaders = { 'content-type': 'application/json', 'x-api-key': 'sk-bench', 'anthropic-version': '2023-06-01' };
const ask = { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello, Claude' }] };

export const json = { name: 'anthropic', path: '/anthropic/v1/messages', headers: anthropicHeaders, body: JSON.stringify(ask) };

export const streams = [
  { name: 'anthropic', path: '/anthropic/v1/messages', headers: anthropicHeaders, body: JSON.stringify({ ...ask, max_tokens: 2000, stream: true }), endMark: 'message_stop' },
  {
    name: 'aigateway',
    path: '/aigateway/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
    body: JSON.stringify({ model: 'anthropic/claude-haiku-4.5', stream: true, messages: [{ role: 'user', content: 'Hello, Claude' }] }),
    endMark: '[DONE]',
  },
  {
    name: 'runware',
    path: '/runware/v1',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
    body: JSON.stringify([
      { taskType: 'textInference', taskUUID: '5f0c7a52-3a39-4d55-9f5b-0a3a3c1d2e11', model: 'anthropic:claude@haiku-4.5', deliveryMethod: 'stream', messages: [{ role: 'user', content: 'Hello, Claude' }] },
    ]),
    endMark: '[DONE]',
  },
];

/** standin's answers to the scenarios, captured in this process (engine.handle, no socket). */
export async function capture() {
  const engine = createStandin({ documents: await loadDocuments() });
  const call = async ({ path, headers, body }) => {
    const reply = await engine.handle(new Request(`http://127.0.0.1${path}`, { method: 'POST', headers, body }));
    if (reply.status !== 200) throw new Error(`${path}: standin answered ${reply.status}`);
    return reply;
  };
  const plain = await call(json);
  const out = { json: { headers: plain.headers, body: plain.body }, streams: {} };
  for (const scenario of streams) {
    const reply = await call(scenario);
    const { events, options } = reply.body;
    const frames = [...events].map((e) => ({ text: frameEvent(e, options.framing), tokens: e.tokens ?? 0 }));
    if (options.terminator !== undefined) frames.push({ text: `data: ${options.terminator}\n\n`, tokens: 0 });
    out.streams[scenario.name] = { headers: reply.headers, frames };
  }
  return out;
}
