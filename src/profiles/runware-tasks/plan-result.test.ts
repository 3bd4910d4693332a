import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { createRng } from '../../core/hash.js';
import { planResult } from './plan-result.js';
import { toResultItem, toStreamChunks, type ResultLabel } from './render-result.js';

type Obj = Record<string, any>;

const task = (fields: Obj = {}): Obj => ({
  taskType: 'textInference',
  taskUUID: 'cbacdc8c-9f58-46eb-8510-48713439c000',
  model: 'anthropic:claude@haiku-4.5',
  messages: [{ role: 'user', content: 'What is the weather in Lisbon?' }],
  ...fields,
});
const weather = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city.',
  schema: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'] },
};
/** The budget of a task without maxTokens (runware.yaml gives 4096; any budget serves these tests). */
const DEFAULT_MAX_TOKENS = 4096;
const label = { taskUUID: 'cbacdc8c-9f58-46eb-8510-48713439c000', includeUsage: true, includeCost: true, prices: { input: 1e-6, output: 5e-6, cacheRead: 1e-7, cacheWrite: 1.25e-6, cacheWrite1h: 2e-6 } };

describe('planResult', () => {
  it('never spends more than maxTokens, thinking included', () => {
    for (const maxTokens of [1, 3, 10, 30, 200]) {
      for (const thinkingLevel of ['off', 'low', 'high']) {
        for (const extra of [{}, { tools: [weather], toolChoice: { type: 'any' } }]) {
          const plan = planResult(task({ settings: { maxTokens, thinkingLevel }, ...extra }), createRng(maxTokens), DEFAULT_MAX_TOKENS);
          expect(plan.completionTokens).toBeLessThanOrEqual(maxTokens);
          expect(plan.thinkingTokens).toBe(plan.reasoning.length);
          if (plan.finishReason !== 'length') expect(plan.completionTokens).toBeLessThan(maxTokens + 1);
        }
      }
    }
  });

  it('ends with length and no text when thinking uses the whole budget', () => {
    const plan = planResult(task({ settings: { maxTokens: 4, thinkingLevel: 'high' } }), createRng(1), DEFAULT_MAX_TOKENS);
    expect(plan.reasoning).toHaveLength(4);
    expect(plan.pieces).toEqual([]);
    expect(plan.finishReason).toBe('length');
  });

  it('calls a forced tool with arguments that satisfy its schema', () => {
    const validate = new Ajv2020({ strict: false }).compile(weather.schema);
    for (const toolChoice of [{ type: 'tool', name: 'get_weather' }, { type: 'any' }, { type: 'auto' }]) {
      const plan = planResult(task({ tools: [{ type: 'search' }, weather], toolChoice }), createRng(2), DEFAULT_MAX_TOKENS);
      expect(plan.finishReason).toBe('tool_calls');
      expect(plan.toolCalls[0]!.name).toBe('get_weather');
      expect(validate(plan.toolCalls[0]!.arguments)).toBe(true);
    }
  });

  it('answers in text with toolChoice none, built-in tools only, or under auto after an assistant turn', () => {
    const followUp = [
      { role: 'user', content: 'Weather in Lisbon?' },
      { role: 'assistant', content: 'Checking.' },
      { role: 'user', content: 'Result: 21 C.' },
    ];
    for (const fields of [
      { tools: [weather], toolChoice: { type: 'none' } },
      { tools: [{ type: 'search' }, { type: 'codeInterpreter' }] },
      { tools: [weather], messages: followUp },
    ]) {
      const plan = planResult(task(fields), createRng(3), DEFAULT_MAX_TOKENS);
      expect(plan.toolCalls).toEqual([]);
      expect(plan.finishReason).toBe('stop');
      expect(plan.pieces.length).toBeGreaterThan(3);
    }
  });

  it('counts images and documents into the prompt', () => {
    const base = planResult(task(), createRng(4), DEFAULT_MAX_TOKENS).promptTokens;
    const withMedia = planResult(task({ inputs: { images: ['a'], documents: ['b'] } }), createRng(4), DEFAULT_MAX_TOKENS).promptTokens;
    expect(withMedia).toBeGreaterThan(base + 1000);
  });
});

describe('rendering', () => {
  it('gives the stream the same text, usage and cost as the JSON item', () => {
    const plan = planResult(task({ settings: { thinkingLevel: 'medium' } }), createRng(5), DEFAULT_MAX_TOKENS);
    const item = toResultItem(plan, label);
    const chunks = [...toStreamChunks(plan, label, createRng(6))].map((e) => (typeof e.data === 'string' ? JSON.parse(e.data) : e.data) as Obj);
    const final = chunks.at(-1)!;
    expect(chunks.slice(0, -1).map((c) => c.delta.text ?? '').join('')).toBe(item.text);
    expect(chunks.slice(0, -1).map((c) => c.delta.reasoningContent ?? '').join('')).toBe((item.reasoningContent as string[])[0]);
    expect(final).toEqual({ taskUUID: label.taskUUID, taskType: 'textInference', text: item.text, finishReason: item.finishReason, usage: item.usage, cost: item.cost });
  });

  it('keeps the fields of the item and of the final chunk in one order, whichever are present', () => {
    const thinking = planResult(task({ settings: { thinkingLevel: 'medium' } }), createRng(5), DEFAULT_MAX_TOKENS);
    const tooled = planResult(task({ tools: [weather], toolChoice: { type: 'tool', name: 'get_weather' } }), createRng(5), DEFAULT_MAX_TOKENS);
    expect(thinking.reasoning.length).toBeGreaterThan(0);
    expect(tooled.toolCalls.length).toBeGreaterThan(0);
    const full: ResultLabel = { ...label, resultIndex: 1, seed: 42 };
    const bare: ResultLabel = { ...label, includeUsage: false, includeCost: false };
    const finalOf = (plan: ReturnType<typeof planResult>, l: ResultLabel) => [...toStreamChunks(plan, l, createRng(6))].at(-1)!.data as Obj;
    expect(Object.keys(toResultItem(thinking, full))).toEqual(['taskType', 'taskUUID', 'status', 'text', 'finishReason', 'reasoningContent', 'seed', 'resultIndex', 'usage', 'cost']);
    expect(Object.keys(toResultItem(tooled, bare))).toEqual(['taskType', 'taskUUID', 'status', 'text', 'finishReason', 'toolCalls']);
    expect(Object.keys(finalOf(tooled, full))).toEqual(['taskUUID', 'resultIndex', 'taskType', 'text', 'finishReason', 'toolCalls', 'usage', 'cost']);
    expect(Object.keys(finalOf(thinking, bare))).toEqual(['taskUUID', 'taskType', 'text', 'finishReason']);
  });

  it('writes each delta as compact JSON, the same text as stringifying it', () => {
    const plan = planResult(task({ settings: { thinkingLevel: 'medium' } }), createRng(5), DEFAULT_MAX_TOKENS);
    for (const labelled of [label, { ...label, resultIndex: 2 }] as ResultLabel[]) {
      const deltas = [...toStreamChunks(plan, labelled, createRng(6))].slice(0, -1);
      expect(deltas.length).toBeGreaterThan(0);
      for (const e of deltas) {
        const value = JSON.parse(e.data as string) as Obj;
        expect(JSON.stringify(value)).toBe(e.data);
        expect(value).toMatchObject({ taskUUID: label.taskUUID, ...(labelled.resultIndex === undefined ? {} : { resultIndex: 2 }) });
      }
    }
  });

  it('paces the stream by the tokens each chunk carries', () => {
    const plan = planResult(task({ tools: [weather], toolChoice: { type: 'auto' } }), createRng(7), DEFAULT_MAX_TOKENS);
    const events = [...toStreamChunks(plan, label, createRng(8))];
    expect(events.reduce((n, e) => n + (e.tokens ?? 0), 0)).toBe(plan.completionTokens);
  });
});
