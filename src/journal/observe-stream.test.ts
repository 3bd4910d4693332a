import { describe, expect, it } from 'vitest';
import { MAX_EVENTS } from './entry.js';
import { observeStream, SseCapture, type StreamObservation } from './observe-stream.js';
import { watchBytes, wholeBytesStream } from '../core/whole-bytes.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('SseCapture', () => {
  it('parses the kept bytes into events when asked, a character split across pieces intact', () => {
    const capture = new SseCapture(Date.now());
    const whole = bytes('event: a\ndata: {"t":"héllo"}\n\ndata: [DONE]\n\n');
    const split = whole.indexOf(0xc3) + 1; // inside the two bytes of é
    capture.add(whole.slice(0, split));
    capture.add(whole.slice(split));
    const { events, dropped } = capture.events();
    expect(events.map((e) => [e.event, e.data])).toEqual([
      ['a', '{"t":"héllo"}'],
      [undefined, '[DONE]'],
    ]);
    expect(dropped).toBe(0);
  });

  it('keeps text standin wrote, however many writes and characters, as one text once the stream ends', () => {
    const capture = new SseCapture(Date.now());
    const texts = Array.from({ length: 300 }, (_, i) => `event: delta\ndata: {"i":${i},"t":"é🙂 ${'x'.repeat(i % 50)}"}\n\n`);
    for (const text of texts) capture.add(text);
    capture.trim();
    const { events } = capture.events();
    expect(events).toHaveLength(300);
    expect(events.map((e) => `event: ${e.event}\ndata: ${e.data}\n\n`).join('')).toBe(texts.join(''));
  });

  it(`keeps ${MAX_EVENTS} events of a longer stream and counts the rest as dropped`, () => {
    const capture = new SseCapture(Date.now());
    for (let i = 0; i < MAX_EVENTS + 5; i++) capture.add(bytes(`data: ${i}\n\n`));
    const { events, dropped } = capture.events();
    expect(events).toHaveLength(MAX_EVENTS);
    expect(events.at(-1)!.data).toBe(String(MAX_EVENTS - 1));
    expect(dropped).toBe(5);
  });

  it('counts the frames that went out without parsing them, text or split bytes', () => {
    const capture = new SseCapture(Date.now());
    capture.add('event: a\ndata: 1\n\nevent: b\ndata: 2\n\n');
    const tail = bytes('data: 3\n\ndata: 4\n\n');
    capture.add(tail.slice(0, 8)); // the blank line after "3" split across two pieces
    capture.add(tail.slice(8));
    expect(capture.frameCount()).toBe(4);
    expect(capture.frameCount()).toBe(capture.events().events.length);
  });

  it('stamps each event with the time its piece left', async () => {
    const capture = new SseCapture(Date.now());
    capture.add(bytes('data: 1\n\n'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    capture.add(bytes('data: 2\n\n'));
    const [first, second] = capture.events().events;
    expect(second!.offsetMs - first!.offsetMs).toBeGreaterThanOrEqual(25);
  });

  it('stamps an event of a relayed stream by the write that completed it, characters of several bytes before it', async () => {
    const capture = new SseCapture(Date.now());
    capture.add(bytes('data: éééééé'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    capture.add(bytes('\n\ndata: x\n\n'));
    capture.trim();
    const [first, second] = capture.events().events;
    expect(first!.data).toBe('éééééé');
    // Completed by the second write: stamped with its time, not the first's.
    expect(first!.offsetMs).toBeGreaterThanOrEqual(25);
    expect(second!.offsetMs).toBe(first!.offsetMs);
  });
});

describe('observeStream', () => {
  it('is journalled without a wrapper stream, the same observation a wrapped stream gives', async () => {
    const text = 'event: a\ndata: {"t":"é"}\n\nevent: b\ndata: 2\n\n';
    const observe = async (stream: ReadableStream<Uint8Array>) => {
      let seen: StreamObservation | undefined;
      const observed = observeStream(stream, { sse: true, startedAt: Date.now(), onEnd: async (o) => void (seen = o) });
      const read = await new Response(observed).text();
      return { observed, read, seen: seen! };
    };
    const whole = wholeBytesStream(new TextEncoder().encode(text));
    const watched = await observe(whole);
    expect(watched.observed).toBe(whole);
    const plain = new Response(text).body!;
    const wrapped = await observe(plain);
    expect(wrapped.observed).not.toBe(plain);
    for (const { read, seen } of [watched, wrapped]) {
      expect(read).toBe(text);
      expect(seen.end).toBe('complete');
      expect(seen.sse!.events().events.map((e) => [e.event, e.data])).toEqual([
        ['a', '{"t":"é"}'],
        ['b', '2'],
      ]);
    }
    // Not `undefined`: a plain stream is watched through a wrapper.
    expect(watchBytes(new Response(text).body!)).toBeUndefined();
  });
});
