import { describe, expect, it } from 'vitest';
import { checkBeforeSchema, checkRequest } from './check-request.js';

const fn = (name: string) => ({ type: 'function', function: { name } });
const call = (id: string) => ({ id, type: 'function', function: { name: 'f', arguments: '{}' } });
const user = { role: 'user', content: 'hi' };

describe('checkBeforeSchema', () => {
  it('names stream_options when stream is not true', () => {
    expect(checkBeforeSchema({ stream_options: { include_usage: true } })?.param).toBe('stream_options');
    expect(checkBeforeSchema({ stream: false, stream_options: {} })?.message).toMatch(/^stream_options: /);
    expect(checkBeforeSchema({ stream: true, stream_options: {} })).toBeUndefined();
    expect(checkBeforeSchema({ stream_options: null })).toBeUndefined();
  });

  it('names tool_choice when there are no tools', () => {
    expect(checkBeforeSchema({ tool_choice: 'auto' })?.param).toBe('tool_choice');
    expect(checkBeforeSchema({ tool_choice: 'auto', tools: [fn('f')] })).toBeUndefined();
  });

  it('leaves bodies that are not objects to the schema', () => {
    for (const body of [null, [], 42, 'text']) expect(checkBeforeSchema(body)).toBeUndefined();
  });
});

describe('checkRequest', () => {
  it('rejects a named tool_choice that is not among the tools', () => {
    const problem = checkRequest({ messages: [user], tools: [fn('f')], tool_choice: { type: 'function', function: { name: 'g' } } });
    expect(problem?.param).toBe('tool_choice.function.name');
    expect(problem?.message).toContain("'g'");
  });

  it('rejects duplicate tool names', () => {
    expect(checkRequest({ messages: [user], tools: [fn('f'), fn('f')] })?.param).toBe('tools.1.function.name');
  });

  it('accepts tool messages that answer every call of the assistant turn before them', () => {
    const messages = [user, { role: 'assistant', tool_calls: [call('a'), call('b')] }, { role: 'tool', tool_call_id: 'b', content: '1' }, { role: 'tool', tool_call_id: 'a', content: '2' }, user];
    expect(checkRequest({ messages })).toBeUndefined();
  });

  it('rejects a tool message that answers no call', () => {
    expect(checkRequest({ messages: [user, { role: 'tool', tool_call_id: 'x', content: '1' }] })?.param).toBe('messages.1.tool_call_id');
    const wrong = [user, { role: 'assistant', tool_calls: [call('a')] }, { role: 'tool', tool_call_id: 'z', content: '1' }];
    expect(checkRequest({ messages: wrong })?.message).toMatch(/^messages\.2\.tool_call_id: 'z'/);
  });

  it('rejects an assistant tool call left unanswered', () => {
    const problem = checkRequest({ messages: [user, { role: 'assistant', tool_calls: [call('a'), call('b')] }, { role: 'tool', tool_call_id: 'a', content: '1' }] });
    expect(problem?.param).toBe('messages.1.tool_calls');
    expect(problem?.message).toContain('b');
  });
});
