/**
 * The Node server writes a streamed answer straight from its source: the head and the first frames in
 * one write, the same bytes as the Web stream path, faults (mid-stream failure, cut) kept, a client that
 * stops reading holds the producer back, and one that leaves stops it.
 */
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { toResponse, type Reply } from '../src/core/reply.js';
import { ConnectionCut, sseBody, type PacedEvent, type SseStreamOptions } from '../src/sse/body.js';
import { useServerPerTest } from './support/server-per-test.js';
import { countedEvents, readUntilEnd } from './support/sse-streams.js';

const server = useServerPerTest();

/** A server whose every answer is the stream `make()` returns. */
async function serve(make: () => Reply): Promise<{ url: string }> {
  return server.start({ handle: async () => make() });
}

const streamReply = (events: Iterable<PacedEvent>, options: SseStreamOptions): Reply => ({
  status: 200,
  headers: { 'content-type': 'text/event-stream; charset=utf-8' },
  body: sseBody(events, options),
});

/** A raw HTTP/1.1 request, recording every chunk read from the socket. */
function rawRequest(url: string): { socket: Socket; chunks: string[]; closed: Promise<void> } {
  const socket = server.connect(url);
  const chunks: string[] = [];
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => chunks.push(d));
  socket.write('POST /x HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}');
  return { socket, chunks, closed: new Promise((resolve) => socket.on('close', () => resolve())) };
}

/** The body of a chunked HTTP/1.1 answer, and whether its last chunk came. */
function dechunk(raw: string): { body: string; complete: boolean } {
  let rest = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  let body = '';
  for (;;) {
    const eol = rest.indexOf('\r\n');
    if (eol < 0) return { body, complete: false };
    const size = parseInt(rest.slice(0, eol), 16);
    if (size === 0) return { body, complete: true };
    body += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 4 + size);
  }
}

const events = (n: number, tokens = 0): PacedEvent[] => Array.from({ length: n }, (_, i) => ({ event: 'e', data: { i }, ...(tokens ? { tokens } : {}) }));

describe('SSE at the socket', () => {
  it('sends the head and the frames due at once in one write, before the first token is due', async () => {
    const { url } = await serve(() => streamReply([{ event: 'start', data: { a: 1 } }, { event: 'ping', data: {} }, { event: 'delta', data: { t: 'x' }, tokens: 1 }], { framing: 'named', ttftMs: 2_000 }));
    const { chunks, closed } = rawRequest(url);
    const started = Date.now();
    while (chunks.length === 0 && Date.now() - started < 2_000) await new Promise((r) => setTimeout(r, 5));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(chunks[0]).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(chunks[0]).toContain('event: start\ndata: {"a":1}\n\nevent: ping\ndata: {}\n\n');
    expect(chunks[0]).not.toContain('delta');
    await closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(dechunk(chunks.join(''))).toEqual({
      body: 'event: start\ndata: {"a":1}\n\nevent: ping\ndata: {}\n\nevent: delta\ndata: {"t":"x"}\n\n',
      complete: true,
    });
  });

  it('writes the same bytes as the Web stream path, failure event and terminator included', async () => {
    const cases: [PacedEvent[], SseStreamOptions][] = [
      [events(500), { framing: 'named' }],
      [events(50), { framing: 'data', terminator: '[DONE]' }],
      [events(50), { framing: 'data', terminator: '[DONE]', failure: { after: 7, event: { data: { error: 'overloaded' } } } }],
      [events(30, 1), { framing: 'named', tokensPerSecond: 2000 }],
    ];
    for (const [list, options] of cases) {
      const { url } = await serve(() => streamReply(list, options));
      const { chunks, closed } = rawRequest(url);
      await closed;
      const web = await toResponse(streamReply(list, options)).text();
      const socket = dechunk(chunks.join(''));
      expect(socket.complete).toBe(true);
      expect(socket.body).toBe(web);
      await server.close();
    }
  });

  it('cuts the connection after N events: the frames before it arrive, then the socket closes without the last chunk', async () => {
    const { url } = await serve(() => streamReply(events(20, 1), { framing: 'named', terminator: '[DONE]', tokensPerSecond: 1000, cut: { after: 5 } }));
    const { chunks, closed } = rawRequest(url);
    await closed;
    const { body, complete } = dechunk(chunks.join(''));
    expect(complete).toBe(false);
    expect(body.match(/^event: e$/gm)).toHaveLength(5);
    expect(body).not.toContain('[DONE]');
    // The Web path ends the same stream with a ConnectionCut error after the same frames.
    const { text, error } = await readUntilEnd(toResponse(streamReply(events(20, 1), { framing: 'named', cut: { after: 5 } })).body!);
    expect(error).toBeInstanceOf(ConnectionCut);
    expect(text).toBe(body);
  });

  it('holds the producer while the client reads nothing, and sends every frame once it reads', async () => {
    const total = 200_000;
    const many = countedEvents(total, (i) => ({ data: { i, pad: 'x'.repeat(40) } }));
    const { url } = await serve(() => streamReply(many.events, { framing: 'data', terminator: '[DONE]' }));
    const { socket, chunks, closed } = rawRequest(url);
    socket.pause();
    await new Promise((r) => setTimeout(r, 300));
    const whilePaused = many.produced;
    await new Promise((r) => setTimeout(r, 200));
    expect(many.produced).toBe(whilePaused);
    expect(many.produced).toBeLessThan(total / 2);
    socket.resume();
    await closed;
    const { body, complete } = dechunk(chunks.join(''));
    expect(complete).toBe(true);
    expect(body.split('\n\n').length - 1).toBe(total + 1);
  });

  it('stops the producer and its timer when the client leaves mid-stream', async () => {
    const slow = countedEvents(1000);
    const { url } = await serve(() => streamReply(slow.events, { framing: 'data', tokensPerSecond: 50 }));
    const { socket, chunks } = rawRequest(url);
    while (chunks.length < 2) await new Promise((r) => setTimeout(r, 5));
    socket.destroy();
    const deadline = Date.now() + 2_000;
    while (!slow.finished && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(slow.finished).toBe(true);
    const after = slow.produced;
    await new Promise((r) => setTimeout(r, 100));
    expect(slow.produced).toBe(after);
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(300);
  });
});
