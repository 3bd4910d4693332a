// The ceiling: a bare node:http server that reads and parses the same JSON and returns a fixed body
// with the same headers a real Anthropic answer carries (so the client's work per response is equal).
import { createServer } from 'node:http';

const fixed = JSON.stringify({
  id: 'msg_01',
  type: 'message',
  role: 'assistant',
  model: 'claude-haiku-4-5',
  content: [{ type: 'text', text: 'Happy to help with hello claude. Keep the interface stable while the internals change. Let me know if you want more detail.' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 24, service_tier: 'standard' },
});
const headers = { 'content-type': 'application/json', 'request-id': 'req_011CSHoEeqs5C35K2UUqR7Fy' };
for (const kind of ['requests', 'tokens', 'input-tokens', 'output-tokens']) {
  headers[`anthropic-ratelimit-${kind}-limit`] = '80000';
  headers[`anthropic-ratelimit-${kind}-remaining`] = '79000';
  headers[`anthropic-ratelimit-${kind}-reset`] = '2026-11-22T02:40:59Z';
}

const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    JSON.parse(body);
    // Framed as a JSON API answers (Content-Length, one write), as standin is: equal bytes on the wire.
    res.statusCode = 200;
    for (const name in headers) res.setHeader(name, headers[name]);
    res.end(fixed);
  });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
