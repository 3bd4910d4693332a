/**
 * JSON Schema validation of requests, responses and stream events against the documents (Ajv, draft
 * 2020-12, which is OpenAPI 3.1's dialect). Validators are compiled once per schema pointer and cached.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { _, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { splitLargeSchemas, type Relocate } from './ajv-split.js';

export type Ajv2020Instance = Ajv2020;

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;

/** `standalone`: keep each validator's source, for code generated ahead of time (scripts/build-validators.mjs). */
export function createAjv(options: { standalone?: boolean } = {}): Ajv2020 {
  // strict: false because OpenAPI documents carry keywords JSON Schema does not know (example, x-*).
  // OpenAPI's discriminator `mapping` is not supported by Ajv; documents are normalised before adding.
  const ajv = new Ajv2020({
    strict: false,
    discriminator: true,
    allErrors: false,
    validateSchema: false,
    // Every `$ref` its own function: with the documents' large subschemas split out (ajv-split.ts), each
    // function stays small enough for V8 to optimise.
    inlineRefs: false,
    // Generated code loads the formats from ajv-formats instead of carrying their functions.
    ...(options.standalone ? { code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } } : {}),
  });
  addFormats(ajv);
  return ajv;
}

export interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const cache = new WeakMap<Ajv2020, Map<string, ValidateFunction>>();
/** Validators generated ahead of time, loaded on first use (see `seedValidators`). */
const ready = new WeakMap<Ajv2020, Map<string, () => Validator>>();
/** Documents registered but not yet handed to Ajv (see `addDocument`). */
const pending = new WeakMap<Ajv2020, Map<string, () => void>>();
/** Where each document's schemas sit in Ajv's split copy of it, by document key. */
const relocations = new WeakMap<Ajv2020, Map<string, Relocate>>();

function mapOf<V>(maps: WeakMap<Ajv2020, Map<string, V>>, ajv: Ajv2020): Map<string, V> {
  let map = maps.get(ajv);
  if (!map) maps.set(ajv, (map = new Map()));
  return map;
}

/**
 * Registers a document under `key`. Ajv reads it (a walk of the whole document) only when a validator
 * must be compiled from it: a server whose validators were generated at build never pays for that.
 */
export function addDocument(ajv: Ajv2020, key: string, document: unknown): void {
  if (ajv.getSchema(key) || mapOf(pending, ajv).has(key)) return;
  mapOf(pending, ajv).set(key, () => {
    const forAjv = structuredClone(document) as Record<string, unknown>;
    mapOf(relocations, ajv).set(key, prepareForAjv(forAjv));
    ajv.addSchema(forAjv, key);
  });
}

/** Hands a registered document to Ajv now (for callers that use Ajv directly). */
export function ensureDocument(ajv: Ajv2020, key: string): void {
  const add = pending.get(ajv)?.get(key);
  if (!add) return;
  pending.get(ajv)!.delete(key);
  add();
}

/**
 * The Ajv reference of the schema at `pointer` (in the document's own layout) inside the document
 * added under `key`; the document is handed to Ajv if it was not yet.
 */
export function schemaRef(ajv: Ajv2020, key: string, pointer: string): string {
  ensureDocument(ajv, key);
  const relocate = relocations.get(ajv)?.get(key);
  return `${key}#${relocate ? relocate(pointer) : pointer}`;
}

/** A validator for the schema at `pointer` inside the document added under `key`. */
export function validatorAt(ajv: Ajv2020, key: string, pointer: string): Validator {
  const byRef = mapOf(cache, ajv);
  const ref = `${key}#${pointer}`;
  let fn = byRef.get(ref);
  if (!fn) {
    const load = ready.get(ajv)?.get(ref);
    if (load) {
      fn = load() as ValidateFunction;
    } else {
      fn = ajv.compile({ $ref: schemaRef(ajv, key, pointer) });
    }
    byRef.set(ref, fn);
  }
  return fn;
}

/** Whether `validatorAt` has this validator without compiling (made ahead of time, or compiled already). */
export function hasValidator(ajv: Ajv2020, key: string, pointer: string): boolean {
  const ref = `${key}#${pointer}`;
  return Boolean(cache.get(ajv)?.has(ref) || ready.get(ajv)?.has(ref));
}

/**
 * Validators made ahead of time (Ajv standalone code generated at build from the same documents and
 * settings), by schema pointer, each loaded when first asked for: `validatorAt` serves them instead of
 * compiling. Compiling the documents' request schemas was over half of start-up.
 */
export function seedValidators(ajv: Ajv2020, key: string, byPointer: Record<string, () => Validator>): void {
  const byRef = mapOf(ready, ajv);
  for (const pointer in byPointer) byRef.set(`${key}#${pointer}`, byPointer[pointer]!);
}

/**
 * Makes Ajv's copy of a document (in place; pass a copy): what Ajv cannot read removed, large subschemas
 * split out. Answers where a schema of the original layout now sits.
 */
export function prepareForAjv(document: Record<string, unknown>): Relocate {
  normaliseForAjv(document);
  return splitLargeSchemas(document);
}

/** Removes what Ajv cannot read from an OpenAPI document (discriminator mappings), in place. */
export function normaliseForAjv(node: unknown): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    node.forEach(normaliseForAjv);
    return;
  }
  const obj = node as Record<string, unknown>;
  const disc = obj.discriminator as Record<string, unknown> | undefined;
  if (disc && typeof disc === 'object' && 'mapping' in disc) {
    obj.discriminator = { propertyName: disc.propertyName };
  }
  for (const value of Object.values(obj)) normaliseForAjv(value);
}

/** `messages.0.content` from `/messages/0/content`. */
export function dottedPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter(Boolean).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  return parts.join('.');
}

/** Keywords whose error only says that a union (or a condition) failed; the branch's own error names the fault. */
export const UNION_KEYWORDS: ReadonlySet<string> = new Set(['oneOf', 'anyOf', 'if', 'not']);

/**
 * One clear message naming the field at fault, in the style Anthropic's API uses
 * (`max_tokens: Input should be less than or equal to 8192`).
 */
export function describeErrors(errors: ErrorObject[] | null | undefined, root = 'body'): { message: string; param: string } {
  const list = errors ?? [];
  // Unions report a generic failure beside the branch errors; the deepest concrete error is the useful one.
  const concrete = list.filter((e) => !UNION_KEYWORDS.has(e.keyword));
  const chosen = (concrete.length ? concrete : list).reduce<ErrorObject | undefined>(
    (best, e) => (!best || depth(e) > depth(best) ? e : best),
    undefined,
  );
  if (!chosen) return { message: `${root}: Invalid request`, param: root };
  const p = chosen.params as Record<string, unknown>;
  let param = dottedPath(chosen.instancePath);
  let text: string;
  switch (chosen.keyword) {
    case 'required':
      param = dottedPath(chosen.instancePath, String(p.missingProperty));
      text = 'Field required';
      break;
    case 'additionalProperties':
      param = dottedPath(chosen.instancePath, String(p.additionalProperty));
      text = 'Extra inputs are not permitted';
      break;
    case 'type':
      text = `Input should be a valid ${typeWord(String(p.type))}`;
      break;
    case 'enum':
      text = `Input should be ${(p.allowedValues as unknown[]).map((v) => `'${String(v)}'`).join(' or ')}`;
      break;
    case 'const':
      text = `Input should be '${String(p.allowedValue)}'`;
      break;
    case 'maximum':
    case 'exclusiveMaximum':
    case 'minimum':
    case 'exclusiveMinimum':
      text = `Input should be ${BOUND_WORDS[chosen.keyword]} ${String(p.limit)}`;
      break;
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength': {
      const [least, unit] = SIZE_WORDS[chosen.keyword]!;
      const noun = chosen.keyword.endsWith('Items') ? 'List' : 'String';
      text = `${noun} should have ${least} ${String(p.limit)} ${unit}${p.limit === 1 ? '' : 's'}`;
      break;
    }
    case 'discriminator':
      param = dottedPath(chosen.instancePath, String(p.tag));
      text = p.error === 'tag' ? 'Field required' : `Input tag '${String(p.tagValue)}' is not one of the expected tags`;
      break;
    default:
      text = chosen.message ? capitalise(chosen.message) : 'Invalid value';
  }
  return { message: `${param || root}: ${text}`, param: param || root };
}

const BOUND_WORDS: Record<string, string> = {
  maximum: 'less than or equal to',
  exclusiveMaximum: 'less than',
  minimum: 'greater than or equal to',
  exclusiveMinimum: 'greater than',
};

const SIZE_WORDS: Record<string, [string, string]> = {
  minItems: ['at least', 'item'],
  maxItems: ['at most', 'item'],
  minLength: ['at least', 'character'],
  maxLength: ['at most', 'character'],
};

function depth(e: ErrorObject): number {
  return e.instancePath.split('/').length + (e.keyword === 'required' || e.keyword === 'discriminator' ? 1 : 0);
}

function typeWord(t: string): string {
  return t === 'object' ? 'dictionary' : t === 'array' ? 'list' : t === 'number' ? 'number' : t;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
