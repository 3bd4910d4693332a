/**
 * A whole answer leaves the Node server as its headers, one Content-Length Node would have written
 * (the answer's own length header, right or wrong, is left out), and the body, in bytes: counted in
 * UTF-8, never in characters. No length where no body may follow.
 */
import { describe, expect, it } from 'vitest';
import type { Reply } from '../src/core/reply.js';
import { useServerPerTest } from './support/server-per-test.js';

const server = useServerPerTest();

/** The raw answer to `GET path`, head and body apart. */
async function rawAnswer(url: string, path: string): Promise<{ head: string[]; body: Buffer }> {
  const socket = server.connect(url);
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  await new Promise((resolve) => socket.on('close', resolve));
  const all = Buffer.concat(chunks);
  const end = all.indexOf('\r\n\r\n');
  return { head: all.subarray(0, end).toString('latin1').split('\r\n'), body: all.subarray(end + 4) };
}

const lengthLines = (head: string[]) => head.filter((line) => /^content-length:/i.test(line));

describe('whole answers from the Node server', () => {
  const replies: Record<string, Reply> = {
    '/text': { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'Content-Length': '3', 'x-kept': 'yes' }, body: 'déjà vu ✓' },
    '/empty': { status: 200, headers: { 'content-type': 'application/json' }, body: null },
    '/none': { status: 204, headers: { 'x-kept': 'yes' }, body: null },
  };
  const engine = { handle: (request: { url: string }) => Promise.resolve(replies[new URL(request.url).pathname]!) };

  it('sends one Content-Length, in UTF-8 bytes, in place of the answer\'s own', async () => {
    const running = await server.start(engine as never);
    const { head, body } = await rawAnswer(running.url, '/text');
    expect(head[0]).toBe('HTTP/1.1 200 OK');
    expect(lengthLines(head)).toEqual([`Content-Length: ${Buffer.byteLength('déjà vu ✓')}`]);
    expect(head).toContain('x-kept: yes');
    expect(body.toString('utf8')).toBe('déjà vu ✓');
  });

  it('sends a length of 0 for an empty body, and none with a 204', async () => {
    const running = await server.start(engine as never);
    const empty = await rawAnswer(running.url, '/empty');
    expect(lengthLines(empty.head)).toEqual(['Content-Length: 0']);
    expect(empty.body.length).toBe(0);
    const none = await rawAnswer(running.url, '/none');
    expect(none.head[0]).toBe('HTTP/1.1 204 No Content');
    expect(lengthLines(none.head)).toEqual([]);
    expect(none.head).toContain('x-kept: yes');
    expect(none.body.length).toBe(0);
  });
});
