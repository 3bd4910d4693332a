import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOpenAIStream } from './openai-stream.js';
import { parseSseText } from './parse-sse.js';

/** Real OpenAI streams kept by openai-python's test suite (text, tools, n > 1, logprobs, refusals). */
const RECORDINGS = new URL('../../test/data/real-recordings/openai/', import.meta.url).pathname;
// The recordings are part of the repository: a missing folder is a failure, not a skip.
const recordings = readdirSync(RECORDINGS).filter((f) => f.endsWith('.sse'));

const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm' };
const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({ data: { ...base, choices, ...extra } });
const delta = (d: Record<string, unknown>, finish_reason: string | null = null, index = 0) =>
  chunk([{ index, delta: d, logprobs: null, finish_reason }]);
const DONE = { data: '[DONE]' };

describe('checkOpenAIStream', () => {
  it('keeps the real OpenAI recordings in the repository', () => expect(recordings.length).toBeGreaterThan(0));

  it.each(recordings)('accepts the real OpenAI recording %s', (file) => {
    const report = checkOpenAIStream(parseSseText(readFileSync(join(RECORDINGS, file), 'utf8')));
    expect(report.violations).toEqual([]);
    expect(report.done).toBe(true);
    expect(report.completion!.choices.length).toBeGreaterThan(0);
    expect(report.completion!.usage.total_tokens).toBeGreaterThan(0);
  });

  it('adds a text stream up to the completion it streams', () => {
    const report = checkOpenAIStream([
      delta({ role: 'assistant', content: '' }),
      delta({ content: 'Hello' }),
      delta({ content: ' there' }),
      delta({}, 'stop'),
      chunk([], { usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }),
      DONE,
    ]);
    expect(report.violations).toEqual([]);
    expect(report.completion).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
  });

  it('joins parallel tool call fragments by index', () => {
    const report = checkOpenAIStream([
      delta({ role: 'assistant', content: null }),
      delta({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }),
      delta({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '{}' } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      delta({}, 'tool_calls'),
      DONE,
    ]);
    expect(report.violations).toEqual([]);
    expect(report.completion!.choices[0].message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [
        { id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
        { id: 'call_b', type: 'function', function: { name: 'g', arguments: '{}' } },
      ],
    });
  });

  it('reports an error line and anything after it', () => {
    const report = checkOpenAIStream([delta({ role: 'assistant', content: '' }), { data: { error: { message: 'boom', type: 'server_error' } } }, DONE]);
    expect(report.error).toMatchObject({ type: 'server_error' });
    expect(report.done).toBe(true);
    expect(report.violations).toEqual(['event 2: arrives after the error line']);
  });

  it.each([
    ['a missing role', [delta({ content: 'x' }), delta({}, 'stop'), DONE], /role 'assistant'/],
    ['a changed id', [delta({ role: 'assistant' }), { data: { ...delta({}, 'stop').data, id: 'chatcmpl-2' } }, DONE], /id "chatcmpl-2" differs/],
    ['two finish reasons', [delta({ role: 'assistant' }), delta({}, 'stop'), delta({}, 'stop'), DONE], /after finish_reason/],
    ['no finish reason', [delta({ role: 'assistant' }), DONE], /never gets a finish_reason/],
    ['no [DONE]', [delta({ role: 'assistant' }), delta({}, 'stop')], /without \[DONE\]/],
    ['a chunk after [DONE]', [delta({ role: 'assistant' }), delta({}, 'stop'), DONE, delta({ content: 'x' })], /after \[DONE\]/],
    ['a tool call without its name', [delta({ role: 'assistant' }), delta({ tool_calls: [{ index: 0, id: 'c', type: 'function', function: { arguments: '{}' } }] }), delta({}, 'tool_calls'), DONE], /function\.name/],
    ['a skipped tool call index', [delta({ role: 'assistant' }), delta({ tool_calls: [{ index: 1, id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }), delta({}, 'tool_calls'), DONE], /skips index 0/],
    ['unparsable arguments', [delta({ role: 'assistant' }), delta({ tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '{' } }] }), delta({}, 'tool_calls'), DONE], /do not parse/],
    ['a chunk after the usage chunk', [delta({ role: 'assistant' }), chunk([], { usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }), delta({}, 'stop'), DONE], /after the usage chunk/],
    ['usage that does not add up', [delta({ role: 'assistant' }), delta({}, 'stop'), chunk([], { usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 3 } }), DONE], /not 1 \+ 1/],
    ['an empty chunk', [delta({ role: 'assistant' }), chunk([]), delta({}, 'stop'), DONE], /no choices and no usage/],
    ['a named event', [{ event: 'delta', data: delta({ role: 'assistant' }).data }, delta({}, 'stop'), DONE], /named event/],
  ])('reports %s', (_label, events, pattern) => {
    const { violations } = checkOpenAIStream(events as { data: unknown }[]);
    expect(violations.join('\n')).toMatch(pattern);
  });
});

describe('checkOpenAIStream for the contract suite (standalone: false)', () => {
  it('leaves a missing terminator to the done flag', () => {
    const report = checkOpenAIStream([delta({ role: 'assistant' }), delta({}, 'stop')], { standalone: false });
    expect(report.violations).toEqual([]);
    expect(report.done).toBe(false);
  });
});
