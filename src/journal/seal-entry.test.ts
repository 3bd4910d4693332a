import { describe, expect, it } from 'vitest';
import { packedText, packRecord, type ExchangeRecord } from './exchange-record.js';
import { createRedactorCache, sealPacked, summarize } from './seal-entry.js';

const KEY = 'sk-seal-test-0123456789abcdef';
const frames = ['event: a\ndata: {"t":"é"}\n\n', `data: {"echo":"${KEY}"}\n\n`];
const record = (stream: ExchangeRecord['stream']): ExchangeRecord => ({
  method: 'POST',
  path: '/runware/v1',
  status: 200,
  startedAt: Date.UTC(2026, 11, 4),
  durationMs: 2,
  requestHeaders: { authorization: `Bearer ${KEY}` },
  answerHeaders: { 'content-type': 'text/event-stream' },
  trace: { session: 's', provider: 'runware', notes: [] },
  secrets: [`Bearer ${KEY}`, KEY],
  stream,
});

describe('sealing a kept exchange', () => {
  const text = frames.join('');
  const bytes = new TextEncoder().encode(text);
  const asText = record({ text, truncated: false, end: 'complete', endedAt: Date.UTC(2026, 11, 4) + 5, sse: { ends: [frames[0]!.length, text.length], offsets: [1, 3], overflow: 0 } });
  const asBytes = record({ text: '', bytes, truncated: false, end: 'complete', endedAt: Date.UTC(2026, 11, 4) + 5, sse: { ends: [new TextEncoder().encode(frames[0]).length, bytes.length], offsets: [1, 3], overflow: 0, inBytes: true } });

  it('makes the same entry and log line from a stream kept as text or as the bytes it came in, the key hidden', () => {
    const redactorFor = createRedactorCache();
    const fromText = sealPacked(7, packedText(packRecord(asText)), redactorFor).text;
    const fromBytes = sealPacked(7, packedText(packRecord(asBytes)), redactorFor);
    expect(fromBytes.text).toBe(fromText);
    expect(fromBytes.entry).toEqual(JSON.parse(fromText));
    expect(fromText).not.toContain(KEY);
    expect(JSON.parse(fromText).answer.stream.events.map((e: { offsetMs: number }) => e.offsetMs)).toEqual([1, 3]);
    const summary = summarize(7, asBytes, redactorFor);
    expect(summary.stream).toEqual({ events: 2, end: 'complete' });
    expect(summarize(7, asText, redactorFor)).toEqual(summary);
  });
});
