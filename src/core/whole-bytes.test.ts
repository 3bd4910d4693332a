import { describe, expect, it } from 'vitest';
import { watchBytes, wholeBytesStream, type BytesEnd } from './whole-bytes.js';

const encode = (text: string) => new TextEncoder().encode(text);

describe('wholeBytesStream', () => {
  it('gives its bytes in one chunk and tells a watcher the chunk, then the end before the reader sees it', async () => {
    const stream = wholeBytesStream(encode('data: 1\n\ndata: 2\n\n'));
    const seen: string[] = [];
    watchBytes(stream)!({ chunk: (b) => seen.push(`chunk ${b.length}`), end: (how) => void seen.push(`end ${how}`) });
    const reader = stream.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: 1\n\ndata: 2\n\n');
    expect(seen).toEqual(['chunk 18']);
    expect((await reader.read()).done).toBe(true);
    expect(seen).toEqual(['chunk 18', 'end complete']);
  });

  it('breaks off with the given error after its bytes, the watcher told first', async () => {
    const stream = wholeBytesStream(encode('data: 1\n\n'), async () => new Error('cut here'));
    const ends: [BytesEnd, string | undefined][] = [];
    watchBytes(stream)!({ chunk: () => undefined, end: (how, error) => void ends.push([how, error]) });
    const reader = stream.getReader();
    await reader.read();
    await expect(reader.read()).rejects.toThrow('cut here');
    expect(ends).toEqual([['error', 'cut here']]);
  });

  it('tells a watcher once when the reader cancels', async () => {
    const stream = wholeBytesStream(encode('data: 1\n\n'));
    const ends: BytesEnd[] = [];
    watchBytes(stream)!({ chunk: () => undefined, end: (how) => void ends.push(how) });
    await stream.cancel();
    expect(ends).toEqual(['cancelled']);
  });
});
