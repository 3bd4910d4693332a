/**
 * Makes a value that validates against a JSON Schema: tool inputs for a requested tool call, JSON-mode
 * answers. Deterministic for a given generator; strings are chosen from the property name and the topic
 * of the conversation, so calls look plausible.
 */
import type { Rng } from '../core/hash.js';
import { stringForPattern } from './pattern-string.js';
import type { PromptValues } from './prompt-values.js';

type Schema = Record<string, unknown> | boolean;

export interface SampleContext {
  rng: Rng;
  topic: string;
  root: Schema;
  /** Values the prompt names for properties (tool inputs), preferred over samples when they fit. */
  prompt?: PromptValues;
}

const NAMED_STRINGS: [RegExp, string][] = [
  [/city|location|place|address/i, 'San Francisco, CA'],
  [/country/i, 'France'],
  [/unit/i, 'celsius'],
  [/e-?mail/i, 'ada@example.com'],
  [/url|link|uri/i, 'https://example.com/'],
  [/date/i, '2026-01-15'],
  [/time/i, '12:00'],
  [/lang/i, 'en'],
  [/currency/i, 'USD'],
  [/^id$|_id$|Id$/i, 'item_001'],
  [/name/i, 'Ada Lovelace'],
  [/expression|formula/i, '15 * 23'],
];

export function sampleSchema(schema: Schema, ctx: SampleContext, name = '', depth = 0): unknown {
  if (schema === true || schema === undefined) return ctx.topic;
  if (schema === false) return null;
  const s = resolveRef(schema, ctx.root);
  if (depth > 8) return null;
  if ('const' in s) return s.const;
  const named = ctx.prompt?.valueFor(name, s);
  if (named !== undefined) return named;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.allOf)) return sampleSchema(mergeAllOf(s, ctx.root), ctx, name, depth + 1);
  for (const key of ['oneOf', 'anyOf'] as const) {
    const options = s[key];
    if (Array.isArray(options) && options.length) {
      const nonNull = options.find((o) => !(typeof o === 'object' && o && (o as Record<string, unknown>).type === 'null'));
      return sampleSchema((nonNull ?? options[0]) as Schema, ctx, name, depth + 1);
    }
  }
  const type = pickType(s);
  switch (type) {
    case 'object':
      return sampleObject(s, ctx, depth);
    case 'array': {
      const min = Number(s.minItems ?? 1);
      const max = Number(s.maxItems ?? Math.max(min, 1));
      const count = Math.min(Math.max(min, 1), max);
      const items = (s.items ?? true) as Schema;
      const out: unknown[] = [];
      for (let i = 0; i < count; i++) out.push(sampleSchema(items, ctx, name, depth + 1));
      if (s.uniqueItems && count > 1 && out.every((v) => typeof v === 'string')) return out.map((v, i) => `${String(v)} ${i + 1}`);
      return out;
    }
    case 'integer':
    case 'number':
      return sampleNumber(s, type === 'integer');
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return sampleString(s, ctx, name);
  }
}

function sampleObject(s: Record<string, unknown>, ctx: SampleContext, depth: number): Record<string, unknown> {
  const props = (s.properties ?? {}) as Record<string, Schema>;
  const required = new Set((s.required ?? []) as string[]);
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(props)) {
    // Optional properties are filled too when they are simple, as a model usually does.
    if (required.has(key) || isSimple(resolveRef(sub, ctx.root))) out[key] = sampleSchema(sub, ctx, key, depth + 1);
  }
  for (const key of required) if (!(key in out)) out[key] = ctx.topic;
  const minProps = Number(s.minProperties ?? 0);
  for (let i = Object.keys(out).length; i < minProps; i++) out[`field_${i + 1}`] = ctx.topic;
  return out;
}

function sampleNumber(s: Record<string, unknown>, integer: boolean): number {
  const nudge = integer ? 1 : 0.5;
  const lo = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + nudge : undefined;
  const hi = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - nudge : undefined;
  let value = lo !== undefined && hi !== undefined ? (lo + hi) / 2 : (lo ?? (hi !== undefined ? Math.min(hi, 1) : 1));
  if (integer) value = hi !== undefined && Math.ceil(value) > hi ? Math.floor(value) : Math.ceil(value);
  if (typeof s.multipleOf === 'number' && s.multipleOf > 0) value = Math.ceil(value / s.multipleOf) * s.multipleOf;
  return value;
}

function sampleString(s: Record<string, unknown>, ctx: SampleContext, name: string): string {
  const format = String(s.format ?? '');
  let value: string;
  switch (format) {
    case 'date-time':
      value = '2026-01-15T12:00:00Z';
      break;
    case 'date':
      value = '2026-01-15';
      break;
    case 'time':
      value = '12:00:00Z';
      break;
    case 'email':
      value = 'ada@example.com';
      break;
    case 'uri':
    case 'url':
      value = 'https://example.com/';
      break;
    case 'uuid':
      value = '3f0c2a8e-5b7d-4c1e-9a6f-2d8b7e4c1a90';
      break;
    case 'ipv4':
      value = '192.0.2.1';
      break;
    default:
      value = NAMED_STRINGS.find(([re]) => re.test(name))?.[1] ?? ctx.topic;
  }
  const minLength = Number(s.minLength ?? 0);
  const maxLength = typeof s.maxLength === 'number' ? s.maxLength : Infinity;
  while (value.length < minLength) value += ' more';
  value = value.slice(0, maxLength);
  // A pattern the value misses is met where the pattern is simple enough to write a match for.
  if (typeof s.pattern === 'string' && !matches(s.pattern, value)) {
    const fitted = stringForPattern(s.pattern);
    if (fitted !== undefined && fitted.length >= minLength && fitted.length <= maxLength) value = fitted;
  }
  return value;
}

function matches(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return true;
  }
}

function pickType(s: Record<string, unknown>): string {
  const t = s.type;
  if (Array.isArray(t)) return String(t.find((x) => x !== 'null') ?? t[0]);
  if (typeof t === 'string') return t;
  if (s.properties || s.required) return 'object';
  if (s.items) return 'array';
  return 'string';
}

function isSimple(s: Record<string, unknown>): boolean {
  const t = pickType(s);
  return t === 'string' || t === 'number' || t === 'integer' || t === 'boolean' || Array.isArray(s.enum);
}

function resolveRef(schema: Schema, root: Schema): Record<string, unknown> {
  let s = schema as Record<string, unknown>;
  for (let i = 0; typeof s?.$ref === 'string' && i < 16; i++) {
    const ref = s.$ref as string;
    if (!ref.startsWith('#')) return {};
    let node: unknown = root;
    for (const part of ref.slice(1).split('/').filter(Boolean)) node = (node as Record<string, unknown>)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    s = (node ?? {}) as Record<string, unknown>;
  }
  return typeof s === 'object' && s ? s : {};
}

function mergeAllOf(s: Record<string, unknown>, root: Schema): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...s, properties: { ...((s.properties ?? {}) as object) }, required: [...((s.required ?? []) as string[])] };
  delete merged.allOf;
  for (const part of s.allOf as Schema[]) {
    const r = resolveRef(part, root);
    Object.assign(merged.properties as object, r.properties ?? {});
    (merged.required as string[]).push(...((r.required ?? []) as string[]));
    for (const [k, v] of Object.entries(r)) if (!(k in merged)) merged[k] = v;
  }
  return merged;
}
