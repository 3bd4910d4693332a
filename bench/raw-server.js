// The ceiling: a bare node:http server that reads and parses the same JSON and returns a fixed body.
import { createServer } from 'node:http';

const fixed = JSON.stringify({
  id: 'msg_01',
  type: 'message',
  role: 'assistant',
  model: 'claude-haiku-4-5',
  content: [{ type: 'text', text: 'Hello! How can I help you today?' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 9 },
});

const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    JSON.parse(body);
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_1' });
    res.end(fixed);
  });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
