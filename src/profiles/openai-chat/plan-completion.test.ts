import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/hash.js';
import { planCompletion } from './plan-completion.js';

const model = 'anthropic/claude-haiku-4.5';
const weather = {
  type: 'function',
  function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
const calculator = {
  type: 'function',
  function: { name: 'calculator', description: 'Evaluate an arithmetic expression', parameters: { type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'] } },
};
const plan = (body: Record<string, unknown>) => planCompletion({ model, ...body }, createRng(42), 8192);
const ask = (content: string) => [{ role: 'user', content }];

describe('planCompletion', () => {
  it('answers in text and counts one completion token per piece', () => {
    const p = plan({ messages: ask('Explain retries') });
    expect(p.finishReason).toBe('stop');
    expect(p.content).toBe(p.pieces.join(''));
    expect(p.completionTokens).toBe(p.pieces.length);
    expect(p.id).toMatch(/^chatcmpl-[0-9A-Za-z]{29}$/);
  });

  it('stops at max_completion_tokens, which wins over max_tokens', () => {
    const p = plan({ messages: ask('Write an essay'), max_tokens: 100, max_completion_tokens: 4 });
    expect(p.finishReason).toBe('length');
    expect(p.completionTokens).toBe(4);
  });

  it('emits the first stop string after the first sentence and cuts before it', () => {
    const p = plan({ messages: ask('List three facts'), stop: ['###', 'END'] });
    expect(p.finishReason).toBe('stop');
    expect(p.content).not.toContain('###');
    expect(p.content!.trim()).toMatch(/\.$/);
    expect(plan({ messages: ask('List three facts'), stop: '###' }).content).toBe(p.content);
  });

  it('calls the best-matching tool with arguments valid for its parameters', () => {
    const p = plan({ messages: ask('Evaluate this arithmetic: 15 * 23'), tools: [weather, calculator], parallel_tool_calls: false });
    expect(p.finishReason).toBe('tool_calls');
    expect(p.toolCalls.map((c) => c.name)).toEqual(['calculator']);
    expect(JSON.parse(p.toolCalls[0]!.arguments)).toHaveProperty('expression');
    expect(p.toolCalls[0]!.id).toMatch(/^call_[0-9A-Za-z]{24}$/);
  });

  it('makes two calls when parallel calls are allowed and two tools exist', () => {
    const p = plan({ messages: ask('Weather in Oslo?'), tools: [calculator, weather], tool_choice: 'required' });
    expect(p.toolCalls.map((c) => c.name)).toEqual(['get_weather', 'calculator']);
    expect(p.content).toBeNull();
    expect(p.completionTokens).toBe(p.toolCalls.reduce((n, c) => n + c.tokens, 0));
  });

  it('calls the named tool only', () => {
    const p = plan({ messages: ask('Weather in Oslo?'), tools: [weather, calculator], tool_choice: { type: 'function', function: { name: 'calculator' } } });
    expect(p.toolCalls.map((c) => c.name)).toEqual(['calculator']);
    expect(p.content).toBeNull();
  });

  it('announces a call it chose itself', () => {
    const p = plan({ messages: ask('Weather in Oslo?'), tools: [weather], tool_choice: 'auto' });
    expect(p.content).toMatch(/get_weather/);
    expect(p.finishReason).toBe('tool_calls');
  });

  it('answers a tool result in text under auto, so agent loops end', () => {
    const messages = [
      ...ask('Weather in Oslo?'),
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '4°C and snowing' },
    ];
    const p = plan({ messages, tools: [weather] });
    expect(p.toolCalls).toEqual([]);
    expect(p.finishReason).toBe('stop');
    expect(p.content).toContain('4°C and snowing');
  });

  it('never calls a tool under none', () => {
    expect(plan({ messages: ask('Weather?'), tools: [weather], tool_choice: 'none' }).toolCalls).toEqual([]);
  });

  it('stops with length when a forced call does not fit', () => {
    const p = plan({ messages: ask('Weather?'), tools: [weather], tool_choice: 'required', max_tokens: 1 });
    expect(p.finishReason).toBe('length');
    expect(p.toolCalls).toEqual([]);
  });

  it('writes a JSON object in JSON mode, and JSON that follows the schema in schema mode', () => {
    const json = plan({ messages: ask('Is it raining?'), response_format: { type: 'json_object' }, stop: 'x' });
    expect(typeof JSON.parse(json.content!)).toBe('object');
    const schema = { type: 'object', properties: { label: { type: 'string', enum: ['billing', 'technical'] } }, required: ['label'] };
    const structured = plan({ messages: ask('Classify'), response_format: { type: 'json_schema', json_schema: { name: 'label', schema } } });
    expect(JSON.parse(structured.content!)).toEqual({ label: 'billing' });
  });

  it('counts images and tool definitions in the prompt', () => {
    const text = plan({ messages: ask('Describe') }).promptTokens;
    const image = plan({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] });
    expect(image.promptTokens).toBeGreaterThan(text + 1000);
    expect(plan({ messages: ask('Describe'), tools: [weather], tool_choice: 'none' }).promptTokens).toBeGreaterThan(text);
  });

  it('uses the cap when the request names no limit', () => {
    const p = planCompletion({ model, messages: ask('Write an essay') }, createRng(1), 3);
    expect(p.finishReason).toBe('length');
    expect(p.completionTokens).toBe(3);
  });
});
