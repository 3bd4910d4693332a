import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/hash.js';
import { checkOpenAIStream } from '../../contract/openai-stream.js';
import { planChoices, planCompletion } from './plan-completion.js';
import { toChatCompletion, toChunks } from './render-completion.js';

const weather = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const calc = { type: 'function', function: { name: 'calculator', parameters: { type: 'object', properties: { expression: { type: 'string' } } } } };

/** A chunk's data as a value (chunks carry their data as JSON text). */
const dataOf = (e: { data: unknown }): unknown => (typeof e.data === 'string' ? JSON.parse(e.data) : e.data);

describe('toChunks', () => {
  const plan = planCompletion({ model: 'm', messages: [{ role: 'user', content: 'Weather?' }], tools: [weather, calc] }, createRng(7), 8192);

  it('streams what the JSON answer says, in OpenAI chunk grammar', () => {
    const events = [...toChunks([plan], { created: 5, includeUsage: true }, createRng(1)), { data: '[DONE]' }];
    const report = checkOpenAIStream(events);
    expect(report.violations).toEqual([]);
    expect(report.completion).toEqual(toChatCompletion([plan], 5));
  });

  it('streams n choices taking turns, each with its index, adding up to the JSON answer of n choices', () => {
    const body = { model: 'm', n: 3, messages: [{ role: 'user', content: 'Name a colour' }] };
    const choices = planChoices(body, createRng(9), 8192);
    const json = toChatCompletion(choices, 5);
    expect(json.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(new Set(json.choices.map((c) => c.message.content)).size).toBe(3);
    expect(json.usage.completion_tokens).toBe(choices.reduce((n, c) => n + c.completionTokens, 0));
    const events = [...toChunks(choices, { created: 5, includeUsage: true }, createRng(1)), { data: '[DONE]' }];
    const report = checkOpenAIStream(events);
    expect(report.violations).toEqual([]);
    expect(report.completion).toEqual(json);
    // Turns: the first three chunks open choices 0, 1 and 2 in order.
    const indices = events.slice(0, 3).map((e) => (dataOf(e) as { choices: { index: number }[] }).choices[0]!.index);
    expect(indices).toEqual([0, 1, 2]);
  });

  it('carries service_tier and a fixed system_fingerprint on the answer and on every chunk', () => {
    const json = toChatCompletion([plan], 5);
    expect(json.service_tier).toBe('default');
    expect(json.system_fingerprint).toMatch(/^fp_[0-9a-f]{10}$/);
    for (const e of toChunks([plan], { created: 5, includeUsage: true }, createRng(1))) {
      expect(dataOf(e)).toMatchObject({ service_tier: 'default', system_fingerprint: json.system_fingerprint });
    }
  });

  it('gives each model its own fingerprint, the same every time, whatever model came between', () => {
    const other = { ...plan, model: 'another-model' };
    const first = toChatCompletion([plan], 5).system_fingerprint;
    const second = toChatCompletion([other], 5).system_fingerprint;
    expect(second).not.toBe(first);
    expect(toChatCompletion([plan], 6).system_fingerprint).toBe(first);
    expect(toChatCompletion([other], 6).system_fingerprint).toBe(second);
  });

  it('sends usage: null on every chunk but the last only when include_usage is on', () => {
    const withUsage = [...toChunks([plan], { created: 5, includeUsage: true }, createRng(1))].map((e) => dataOf(e) as Record<string, unknown>);
    expect(withUsage.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(withUsage.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: plan.promptTokens + plan.completionTokens } });
    const without = [...toChunks([plan], { created: 5, includeUsage: false }, createRng(1))].map((e) => dataOf(e) as Record<string, unknown>);
    expect(without.every((c) => !('usage' in c))).toBe(true);
  });

  it('writes each chunk as compact JSON, keys in the order OpenAI sends them', () => {
    for (const includeUsage of [true, false]) {
      for (const e of toChunks([plan], { created: 5, includeUsage }, createRng(1))) {
        expect(typeof e.data).toBe('string');
        const value = JSON.parse(e.data as string) as Record<string, unknown>;
        expect(JSON.stringify(value)).toBe(e.data);
        expect(Object.keys(value)).toEqual(['id', 'object', 'created', 'model', 'service_tier', 'system_fingerprint', 'choices', ...(includeUsage ? ['usage'] : [])]);
      }
    }
  });

  it('carries the generated tokens on each event for pacing', () => {
    const events = [...toChunks([plan], { created: 5, includeUsage: false }, createRng(1))];
    const total = events.reduce((n, e) => n + (e.tokens ?? 0), 0);
    expect(total).toBeCloseTo(plan.completionTokens, 6);
  });
});
