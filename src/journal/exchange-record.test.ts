import { describe, expect, it } from 'vitest';
import { packRecord, unpackRecord, type ExchangeRecord } from './exchange-record.js';

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
    expect(unpackRecord(packRecord(record))).toEqual(record);
  });

  it('keeps a stream: its text, where each write ended, when it left, how it ended', () => {
    const text = 'event: a\ndata: {"t":"é"}\n\nevent: b\ndata: {}\n\n';
    const record: ExchangeRecord = {
      ...base,
      stream: { text, truncated: false, end: 'error', error: 'upstream went away', endedAt: base.startedAt + 40, sse: { ends: [26, text.length], offsets: [5, 39], overflow: 2 } },
    };
    expect(unpackRecord(packRecord(record))).toEqual(record);
    const plain: ExchangeRecord = { ...base, stream: { text: 'not sse', truncated: true, end: 'complete', endedAt: base.startedAt } };
    expect(unpackRecord(packRecord(plain))).toEqual(plain);
  });

  it('tells an empty text from an absent one, and keeps empty header sets', () => {
    const record: ExchangeRecord = { ...base, requestHeaders: {}, answerHeaders: {}, answerBody: { text: '', truncated: false } };
    const back = unpackRecord(packRecord(record));
    expect(back).toEqual(record);
    expect(back.requestBody).toBeUndefined();
  });

  it('keeps header values that hold the separator of its compact form', () => {
    const record: ExchangeRecord = { ...base, answerHeaders: { 'x-odd': 'a\u0000b', 'x-plain': 'c' } };
    expect(unpackRecord(packRecord(record)).answerHeaders).toEqual(record.answerHeaders);
  });
});
