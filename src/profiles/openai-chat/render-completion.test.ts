import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/hash.js';
import { checkOpenAIStream } from '../../contract/openai-stream.js';
import { planCompletion } from './plan-completion.js';
import { toChatCompletion, toChunks } from './render-completion.js';

const weather = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const calc = { type: 'function', function: { name: 'calculator', parameters: { type: 'object', properties: { expression: { type: 'string' } } } } };

describe('toChunks', () => {
  const plan = planCompletion({ model: 'm', messages: [{ role: 'user', content: 'Weather?' }], tools: [weather, calc] }, createRng(7), 8192);

  it('streams what the JSON answer says, in OpenAI chunk grammar', () => {
    const events = [...toChunks(plan, { created: 5, includeUsage: true }, createRng(1)), { data: '[DONE]' }];
    const report = checkOpenAIStream(events);
    expect(report.violations).toEqual([]);
    const json = toChatCompletion(plan, 5);
    expect(report.completion).toEqual(json);
  });

  it('sends usage: null on every chunk but the last only when include_usage is on', () => {
    const withUsage = [...toChunks(plan, { created: 5, includeUsage: true }, createRng(1))].map((e) => e.data as Record<string, unknown>);
    expect(withUsage.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(withUsage.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: plan.promptTokens + plan.completionTokens } });
    const without = [...toChunks(plan, { created: 5, includeUsage: false }, createRng(1))].map((e) => e.data as Record<string, unknown>);
    expect(without.every((c) => !('usage' in c))).toBe(true);
  });

  it('carries the generated tokens on each event for pacing', () => {
    const events = [...toChunks(plan, { created: 5, includeUsage: false }, createRng(1))];
    const total = events.reduce((n, e) => n + (e.tokens ?? 0), 0);
    expect(total).toBeCloseTo(plan.completionTokens, 6);
  });
});
