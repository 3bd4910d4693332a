import { loadDocuments } from '../../node/load-documents.js'; import { createStandin } from '../../standin.js';
import { it } from 'vitest'; it('smoke', async () => {


const engine = createStandin({ documents: await loadDocuments(['aigateway']) });
async function post(body: unknown, headers: Record<string,string> = {}) {
  const r = await engine.fetch(new Request('http://x/aigateway/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk', ...headers }, body: JSON.stringify(body) }));
  console.log(r.status, [...r.headers].filter(([k]) => k.startsWith('x-')).map(([k,v])=>`${k}=${v}`).join(' '));
  console.log((await r.text()).slice(0, 1500));
}
const m = 'anthropic/claude-haiku-4.5';
const weather = { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
const calc = { type: 'function', function: { name: 'calculator', description: 'Evaluate arithmetic', parameters: { type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'] } } };
await post({ model: m, messages: [{ role: 'user', content: 'Hello there, explain retries' }] });
await post({ model: m, messages: [{ role: 'user', content: 'What is the weather in Paris?' }], tools: [weather, calc], stream: true, stream_options: { include_usage: true } });
await post({ model: m, messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } });
await post({ model: m, messages: [{ role: 'user', content: 'hi' }], tool_choice: 'auto' });
await post({ model: m, messages: [{ role: 'user', content: 'hi' }], n: 2 });
await post({ model: m, messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'json_object' }, stop: 'x' });
await post({ model: m, messages: [{ role: 'user', content: 'List facts' }], stop: ['###'] });
await post({ model: m, messages: [{ role: 'user', content: 'hi' }], stream: true }, { prefer: 'stream-error=server_error, stream-error-after=2' });
await post({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] });
});
