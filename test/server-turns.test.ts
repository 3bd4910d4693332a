/**
 * The Node server answers the requests it read in one turn of the event loop together, a slice at a
 * time (node-server.ts, `createAnswerQueue`). Every request must still get its own answer, whatever
 * arrives with it; a client that leaves while its request waits must not stop the others; more
 * requests than one slice all get answered; and an engine that throws fails only that answer.
 */
import { request, Agent } from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin } from '../src/standin.js';
import { useServerPerTest } from './support/server-per-test.js';

const server = useServerPerTest();

const bodyFor = (i: number) => JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 300, messages: [{ role: 'user', content: `Question number ${i}: what is ${i} * 7?` }] });
const HEADERS = { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' };

function post(url: string, body: string, agent: Agent): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/messages`, { method: 'POST', agent, headers: { ...HEADERS, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The answer's text blocks: determined by the request (its seed), so they say which request was answered. */
const said = (text: string) => (JSON.parse(text) as { content: { type: string; text?: string }[] }).content.map((b) => b.text ?? b.type).join('|');

describe('requests answered in turns of the event loop', () => {
  it('gives each of hundreds of requests arriving together its own answer', async () => {
    const documents = await loadDocuments(['anthropic']);
    const running = await server.start(createStandin({ documents, mount: 'root' }));
    const reference = createStandin({ documents, mount: 'root' });
    const count = 300; // ten slices and more
    const expected = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const reply = await reference.fetch(new Request('http://standin.test/v1/messages', { method: 'POST', headers: HEADERS, body: bodyFor(i) }));
        return said(await reply.text());
      }),
    );
    // Distinct requests, distinct answers: a mix-up could not pass unseen.
    expect(new Set(expected).size).toBeGreaterThan(count / 2);
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    const answers = await Promise.all(Array.from({ length: count }, (_, i) => post(running.url, bodyFor(i), agent)));
    agent.destroy();
    answers.forEach((answer, i) => {
      expect(answer.status).toBe(200);
      expect(said(answer.text)).toBe(expected[i]);
    });
  });

  it('goes on answering when clients leave while their requests wait', async () => {
    const running = await server.start(createStandin({ documents: await loadDocuments(['anthropic']), mount: 'root' }));
    const body = bodyFor(1);
    // Whole requests sent and the connection dropped at once, many in the same turn.
    const leaving = Array.from({ length: 100 }, () => {
      const socket = server.connect(running.url);
      socket.write(`POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nx-api-key: sk-test\r\nanthropic-version: 2023-06-01\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      socket.destroy();
      return socket;
    });
    expect(leaving.every((s) => s.destroyed)).toBe(true);
    const agent = new Agent({ keepAlive: true });
    const after = await post(running.url, bodyFor(2), agent);
    agent.destroy();
    expect(after.status).toBe(200);
    expect(said(after.text).length).toBeGreaterThan(0);
  });
});

describe('an engine that throws', () => {
  it('fails only the answer it threw for, not the others of the same turn', async () => {
    let calls = 0;
    const engine = {
      handle: (request: { url: string }) => {
        calls++;
        if (request.url.endsWith('/throw')) throw new Error('boom');
        return Promise.resolve({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' });
      },
    };
    const running = await server.start(engine as never);
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    const get = (path: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        request(`${running.url}${path}`, { agent }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        })
          .on('error', reject)
          .end();
      });
    const answers = await Promise.all(['/a', '/throw', '/b', '/throw', '/c'].map(get));
    agent.destroy();
    expect(calls).toBe(5);
    expect(answers.map((a) => a.status)).toEqual([200, 500, 200, 500, 200]);
    expect(answers[0]!.text).toBe('ok');
    expect(answers[1]!.text).toContain('standin could not write its answer');
    expect(JSON.parse(answers[1]!.text)).toMatchObject({ status: 500 });
  });
});
