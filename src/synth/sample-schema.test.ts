import { describe, expect, it } from 'vitest';
import { createRng } from '../core/hash.js';
import { createAjv } from '../core/validator.js';
import { sampleSchema } from './sample-schema.js';

// The engine's own validator, formats included, so `date-time` and `email` values are checked too.
const ajv = createAjv();

const schemas: Record<string, unknown>[] = [
  { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  { type: 'object', properties: { n: { type: 'integer', minimum: 3, maximum: 7 }, x: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 } }, required: ['n', 'x'] },
  { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' }, minItems: 2, uniqueItems: true } }, required: ['tags'] },
  { type: 'object', properties: { unit: { enum: ['c', 'f'] }, flag: { type: 'boolean' }, k: { const: 'fixed' } }, required: ['unit', 'flag', 'k'] },
  { type: 'object', properties: { when: { type: 'string', format: 'date-time' }, mail: { type: 'string', format: 'email' } }, required: ['when', 'mail'] },
  { type: 'object', properties: { title: { type: 'string', minLength: 40, maxLength: 60 } }, required: ['title'] },
  { type: 'object', properties: { step: { type: 'integer', multipleOf: 5, minimum: 12 } }, required: ['step'] },
  { type: 'object', properties: { v: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: 2 }] } }, required: ['v'] },
  { type: 'object', $defs: { p: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } }, properties: { p: { $ref: '#/$defs/p' } }, required: ['p'] },
  { type: 'object', allOf: [{ properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'integer' } }, required: ['b'] }] },
  { type: 'object', properties: { nested: { type: 'object', properties: { deep: { type: 'array', items: { type: 'object', properties: { q: { type: 'number' } }, required: ['q'] } } }, required: ['deep'] } }, required: ['nested'] },
];

describe('sampleSchema', () => {
  it.each(schemas.map((s, i) => [i, s] as const))('makes a value valid against schema %i', (_i, schema) => {
    const value = sampleSchema(schema, { rng: createRng(1), topic: 'weather', root: schema });
    const validate = ajv.compile(schema);
    expect(validate(value), JSON.stringify({ value, errors: validate.errors })).toBe(true);
  });

  it('is deterministic for the same generator seed', () => {
    const s = schemas[2]!;
    expect(sampleSchema(s, { rng: createRng(7), topic: 't', root: s })).toEqual(sampleSchema(s, { rng: createRng(7), topic: 't', root: s }));
  });
});
