import { describe, expect, it } from 'vitest';
import { checkRunwareStream } from './runware-stream.js';

const U = 'cbacdc8c-9f58-46eb-8510-48713439c000';
const V = 'cbacdc8c-9f58-46eb-8510-48713439c001';
const usage = { promptTokens: 9, completionTokens: 3, totalTokens: 12 };
const good = () => [
  { data: { taskUUID: U, delta: { reasoningContent: 'Think.' } } },
  { data: { taskUUID: U, delta: { text: 'Hello' } } },
  { data: { taskUUID: U, delta: { text: ' there' } } },
  { data: { taskUUID: U, taskType: 'textInference', text: 'Hello there', finishReason: 'stop', usage, cost: 0.000024 } },
  { data: '[DONE]' },
];

describe('checkRunwareStream', () => {
  it('accepts a well-formed stream and rebuilds its result', () => {
    const report = checkRunwareStream(good());
    expect(report.violations).toEqual([]);
    expect(report.result).toEqual({ taskUUID: U, text: 'Hello there', reasoningContent: 'Think.', finishReason: 'stop', usage, cost: 0.000024 });
  });

  it('reads raw data lines as parseSseText gives them', () => {
    const raw = good().map((e) => ({ data: typeof e.data === 'string' ? e.data : JSON.stringify(e.data) }));
    expect(checkRunwareStream(raw).violations).toEqual([]);
  });

  it('keeps results apart by resultIndex', () => {
    const report = checkRunwareStream([
      { data: { taskUUID: U, resultIndex: 0, delta: { text: 'A' } } },
      { data: { taskUUID: U, resultIndex: 0, finishReason: 'stop', text: 'A' } },
      { data: { taskUUID: U, resultIndex: 1, delta: { text: 'B' } } },
      { data: { taskUUID: U, resultIndex: 1, finishReason: 'length', text: 'B' } },
      { data: '[DONE]' },
    ]);
    expect(report.violations).toEqual([]);
    expect(report.results.map((r) => [r.resultIndex, r.text, r.finishReason])).toEqual([
      [0, 'A', 'stop'],
      [1, 'B', 'length'],
    ]);
  });

  it('reports each broken rule', () => {
    const cases: [unknown[], RegExp][] = [
      [[{ data: { taskUUID: U, delta: { text: 'a' } } }, { data: { taskUUID: V, finishReason: 'stop' } }, { data: '[DONE]' }], /differs from/],
      [good().slice(0, -1), /without \[DONE\]/],
      [[{ data: { taskUUID: U, delta: { text: 'a' } } }, { data: '[DONE]' }], /no final chunk/],
      [[{ data: { taskUUID: U, finishReason: 'stop', text: 'x' } }, { data: '[DONE]' }], /final text differs/],
      [[{ data: { taskUUID: U, finishReason: 'stop' } }, { data: { taskUUID: U, delta: { text: 'late' } } }, { data: '[DONE]' }], /after its final chunk/],
      [[{ data: { taskUUID: U, finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 3 } } }, { data: '[DONE]' }], /totalTokens/],
      [[{ data: { taskUUID: U, finishReason: 'tool_calls' } }, { data: '[DONE]' }], /without toolCalls/],
      [[{ data: { taskUUID: U, finishReason: 'stop' } }, { data: '[DONE]' }, { data: { taskUUID: U, finishReason: 'stop' } }], /after \[DONE\]/],
      [[{ data: { errors: [{ code: 'serverError', message: 'x' }] } }, { data: '[DONE]' }], /after the error line/],
      [[{ event: 'delta', data: { taskUUID: U, finishReason: 'stop' } }, { data: '[DONE]' }], /named event/],
      [[{ data: { taskUUID: U, something: 1 } }, { data: '[DONE]' }], /neither a delta/],
      [[{ data: 'not json' }], /not a JSON object/],
      [[{ data: '[DONE]' }], /no result/],
    ];
    for (const [events, pattern] of cases) {
      const { violations } = checkRunwareStream(events as { data: unknown }[]);
      expect(violations.join('\n'), JSON.stringify(events)).toMatch(pattern);
    }
  });

  it('takes an error line as the end of the stream', () => {
    const report = checkRunwareStream([{ data: { taskUUID: U, delta: { text: 'a' } } }, { data: { errors: [{ code: 'serverError', message: 'x' }] } }]);
    expect(report.violations).toEqual([]);
    expect(report.error).toEqual([{ code: 'serverError', message: 'x' }]);
  });
});

describe('checkRunwareStream for the contract suite (standalone: false)', () => {
  it('reports the end of stream and a differing final text as flags, not violations', () => {
    const cut = [{ data: { taskUUID: U, delta: { text: 'a' } } }, { data: { taskUUID: U, finishReason: 'stop', text: 'b' } }];
    const report = checkRunwareStream(cut, { standalone: false });
    expect(report.violations).toEqual([]);
    expect(report.done).toBe(false);
    expect(report.assembledMismatch).toMatch(/final text differs/);
    expect(checkRunwareStream([...cut, { data: '[DONE]' }], { standalone: false }).done).toBe(true);
  });

  it('takes the terminator it is given', () => {
    const ended = [...good().slice(0, -1), { data: '[END]' }];
    expect(checkRunwareStream(ended, { terminator: '[END]' })).toMatchObject({ violations: [], done: true });
    expect(checkRunwareStream(good().slice(0, -1), { terminator: null })).toMatchObject({ violations: [], done: false });
  });
});
