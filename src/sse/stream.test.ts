import { describe, expect, it } from 'vitest';
import { createSseStream } from './stream.js';
import { countedEvents, readUntilEnd } from '../../test/support/sse-streams.js';

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe('createSseStream', () => {
  it('frames named events and ends with the terminator', async () => {
    const text = await readAll(
      createSseStream([{ event: 'ping', data: { type: 'ping' } }, { data: { a: 1 } }], { framing: 'named', terminator: '[DONE]' }),
    );
    expect(text).toBe('event: ping\ndata: {"type":"ping"}\n\ndata: {"a":1}\n\ndata: [DONE]\n\n');
  });

  it('replaces the rest of the stream with the failure event after N events', async () => {
    const events = Array.from({ length: 10 }, (_, i) => ({ data: { i } }));
    const text = await readAll(createSseStream(events, { framing: 'data', terminator: '[DONE]', failure: { after: 2, event: { data: { error: 'x' } } } }));
    expect(text).toBe('data: {"i":0}\n\ndata: {"i":1}\n\ndata: {"error":"x"}\n\n');
  });

  it('produces events lazily and stops the producer when cancelled', async () => {
    const counted = countedEvents(1000);
    const stream = createSseStream(counted.events, { framing: 'data', tokensPerSecond: 1000 });
    const reader = stream.getReader();
    await reader.read();
    await reader.read();
    expect(counted.produced).toBeLessThan(5);
    await reader.cancel();
    expect(counted.finished).toBe(true);
  });

  it('waits the time to first token before the first token-bearing event', async () => {
    const started = Date.now();
    const stream = createSseStream([{ data: { start: true } }, { data: { t: 1 }, tokens: 1 }], { framing: 'data', ttftMs: 150 });
    const reader = stream.getReader();
    await reader.read();
    const first = Date.now() - started;
    await reader.read();
    const second = Date.now() - started;
    expect(first).toBeLessThan(100);
    expect(second).toBeGreaterThanOrEqual(140);
  });

  it('breaks the connection after N events: every event before the break arrives, then the stream errors', async () => {
    const events = Array.from({ length: 10 }, (_, i) => ({ data: { i } }));
    const { text, error } = await readUntilEnd(createSseStream(events, { framing: 'data', terminator: '[DONE]', cut: { after: 3 } }));
    expect(text).toBe('data: {"i":0}\n\ndata: {"i":1}\n\ndata: {"i":2}\n\n');
    expect(String(error)).toMatch(/connection closed after 3 events/);
  });

  it('a cut past the last event changes nothing', async () => {
    const text = await readAll(createSseStream([{ data: { a: 1 } }], { framing: 'data', terminator: '[DONE]', cut: { after: 5 } }));
    expect(text).toBe('data: {"a":1}\n\ndata: [DONE]\n\n');
  });
});
