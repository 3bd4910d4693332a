import { describe, expect, it } from 'vitest';
import { packedText, packRecord, unpackRecord, type ExchangeRecord } from './exchange-record.js';

const roundTrip = (record: ExchangeRecord) => unpackRecord(packedText(packRecord(record)));

const base: ExchangeRecord = {
  method: 'POST',
  path: '/anthropic/v1/messages?beta=true',
  status: 200,
  startedAt: Date.UTC(2026, 11, 4, 12),
  durationMs: 3,
  requestHeaders: { 'content-type': 'application/json', 'x-api-key': 'sk-test-not-a-real-key' },
  answerHeaders: { 'content-type': 'text/event-stream', 'request-id': 'req_1' },
  trace: { session: 'packed', provider: 'anthropic', operationId: 'createMessage', outcome: { source: 'synthesis' }, notes: ['a note'] },
  secrets: ['sk-test-not-a-real-key'],
};

describe('a packed exchange record', () => {
  it('unpacks to the record it was packed from, texts of any characters and line breaks included', () => {
    const record: ExchangeRecord = {
      ...base,
      requestBody: { text: '{"messages":[{"role":"user","content":"héllo\\n🙂"}]}\n', truncated: false },
      answerBody: { text: 'line one\nline two — “quoted” 🙂', truncated: true },
    };
    expect(roundTrip((record))).toEqual(record);
  });

  it('keeps a stream: its text, where each write ended, when it left, how it ended', () => {
    const text = 'event: a\ndata: {"t":"é"}\n\nevent: b\ndata: {}\n\n';
    const record: ExchangeRecord = {
      ...base,
      stream: { text, truncated: false, end: 'error', error: 'upstream went away', endedAt: base.startedAt + 40, sse: { ends: [26, text.length], offsets: [5, 39], overflow: 2 } },
    };
    expect(roundTrip((record))).toEqual(record);
    const plain: ExchangeRecord = { ...base, stream: { text: 'not sse', truncated: true, end: 'complete', endedAt: base.startedAt } };
    expect(roundTrip((plain))).toEqual(plain);
  });

  it("keeps a relayed stream's bytes as they came, and gives them back as text with its write ends in characters", () => {
    const frames = ['event: a\ndata: {"t":"é🙂"}\n\n', 'data: [DONE]\n\n'];
    const bytes = new TextEncoder().encode(frames.join(''));
    const byteEnd = new TextEncoder().encode(frames[0]).length;
    const record: ExchangeRecord = { ...base, stream: { text: '', bytes, truncated: false, end: 'complete', endedAt: base.startedAt + 9, sse: { ends: [byteEnd, bytes.length], offsets: [1, 2], overflow: 0, inBytes: true } } };
    const packed = packRecord(record);
    expect(packed.tail).toBe(bytes);
    expect(packed.text).not.toContain('[DONE]');
    expect(unpackRecord(packedText(packed)).stream).toEqual({ text: frames.join(''), truncated: false, end: 'complete', endedAt: base.startedAt + 9, sse: { ends: [frames[0]!.length, frames.join('').length], offsets: [1, 2], overflow: 0 } });
  });

  it('tells an empty text from an absent one, and keeps empty header sets', () => {
    const record: ExchangeRecord = { ...base, requestHeaders: {}, answerHeaders: {}, answerBody: { text: '', truncated: false } };
    const back = roundTrip((record));
    expect(back).toEqual(record);
    expect(back.requestBody).toBeUndefined();
  });

  it('keeps header values that hold the separator of its compact form', () => {
    const record: ExchangeRecord = { ...base, answerHeaders: { 'x-odd': 'a\u0000b', 'x-plain': 'c' } };
    expect(roundTrip((record)).answerHeaders).toEqual(record.answerHeaders);
  });
});
