import { describe, expect, it } from 'vitest';
import { createRng } from '../core/hash.js';
import { promptValues } from './prompt-values.js';
import { sampleSchema } from './sample-schema.js';

const sample = (prompt: string, schema: Record<string, unknown>) => sampleSchema(schema, { rng: createRng(1), topic: 'topic', root: schema, prompt: promptValues(prompt) });
const object = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({ type: 'object', properties, required });

describe('promptValues', () => {
  it('takes the place the prompt names for a location-like property', () => {
    expect(sample("What's the weather in Paris?", object({ location: { type: 'string' } }))).toEqual({ location: 'Paris' });
    expect(sample('Weather and local time in New York?', object({ city: { type: 'string' } }))).toEqual({ city: 'New York' });
    expect(sample('How warm is it in Lyon, France today?', object({ city: { type: 'string' } }))).toEqual({ city: 'Lyon, France' });
  });

  it('takes the enum value the prompt mentions, else the first', () => {
    const schema = object({ city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } });
    expect(sample('Weather in Oslo in Fahrenheit please', schema)).toEqual({ city: 'Oslo', unit: 'fahrenheit' });
    expect(sample('Weather in Oslo', schema)).toEqual({ city: 'Oslo', unit: 'celsius' });
  });

  it('hands the prompt numbers to numeric properties in order, when they fit the schema', () => {
    const schema = object({ a: { type: 'number' }, b: { type: 'number' } });
    expect(sample('Add 15 and 27', schema)).toEqual({ a: 15, b: 27 });
    // 500 is above the maximum: the schema's sample is used instead.
    const { limit } = sample('Show me 500 results', object({ limit: { type: 'integer', minimum: 1, maximum: 100 } })) as { limit: number };
    expect(limit).not.toBe(500);
    expect(limit).toBeGreaterThanOrEqual(1);
    expect(limit).toBeLessThanOrEqual(100);
    expect(sample('Give me limit 7 items', object({ limit: { type: 'integer' } }))).toEqual({ limit: 7 });
  });

  it('takes an arithmetic expression, a quoted value, a named person, an email and a URL', () => {
    expect(sample('What is 15 * 23?', object({ expression: { type: 'string' } }))).toEqual({ expression: '15 * 23' });
    expect(sample('Use the test_tool with value "test", then answer', object({ value: { type: 'string' } }))).toEqual({ value: 'test' });
    expect(sample('Look up the customer named Grace Hopper', object({ name: { type: 'string' } }))).toEqual({ name: 'Grace Hopper' });
    expect(sample('Mail bob@example.org about https://example.net/x', object({ email: { type: 'string' }, url: { type: 'string' } }))).toEqual({
      email: 'bob@example.org',
      url: 'https://example.net/x',
    });
  });

  it('keeps the schema-driven sample when the prompt names nothing, or names something the schema refuses', () => {
    expect(sample('Tell me something', object({ city: { type: 'string' } }))).toEqual({ city: 'San Francisco, CA' });
    expect(sample('Weather in Paris', object({ city: { type: 'string', pattern: '^[A-Z]{3}$' } }))).not.toEqual({ city: 'Paris' });
    expect(sample('Weather in Paris', object({ city: { type: 'string', maxLength: 3 } }))).toEqual({ city: 'San' });
  });

  it('is deterministic', () => {
    const schema = object({ city: { type: 'string' }, days: { type: 'integer' } });
    expect(sample('Forecast for Rome for 3 days', schema)).toEqual(sample('Forecast for Rome for 3 days', schema));
    expect(sample('Forecast for Rome for 3 days', schema)).toEqual({ city: 'Rome', days: 3 });
  });
});
