/**
 * Splits a document's large inline subschemas out into references, for Ajv's copy only.
 *
 * Why: Ajv writes one validation function per schema reached by `$ref` and inlines everything else. A
 * provider's request schema written inline (every content block, every tool type) became one function of
 * over 500 KB of source, beyond what V8 will optimise (its bytecode limit is ~60 KB), so every request
 * was validated by unoptimised code: ~0.9 µs for a two-field Messages body in a tight loop, and several
 * µs in a server between requests. With each subschema over `maxChars` moved to its own definition (and
 * Ajv told not to inline references again) the same body validates in ~0.05 µs, every function is
 * optimised, and the generated code is less than half the size.
 *
 * The document itself is untouched; the copy's subschemas move to `SPLIT_KEY` at its root. Pointers
 * into the original layout (in the copy's own `$ref`s, and in the pointers standin compiles validators
 * at) are carried to the new places by the returned `relocate`. Which validation errors a body gets is
 * unchanged: only where the code that finds them lives.
 */
import { escapePointer } from './json-pointer.js';

/** Where the moved subschemas live in Ajv's copy of a document. */
export const SPLIT_KEY = 'x-standin-ajv-split';

/** A subschema whose JSON is longer than this becomes its own definition (and Ajv function). */
export const SPLIT_MAX_CHARS = 800;

/** Maps a JSON pointer in the document's original layout to the same schema in the split copy. */
export type Relocate = (pointer: string) => string;

const SINGLE = ['items', 'additionalProperties', 'not', 'contains', 'if', 'then', 'else', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'];
const LISTS = ['oneOf', 'anyOf', 'allOf', 'prefixItems'];
const MAPS = ['properties', 'patternProperties', 'dependentSchemas', '$defs'];

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Splits `document` in place (pass a copy) and answers how to find a schema by its original pointer.
 * Schema roots are the values of `components.schemas` and every `schema` under `paths` (media types,
 * parameters, headers), and the values of `x-standin-task-schemas`; a root stays where it is, so
 * pointers to roots need no relocation.
 */
export function splitLargeSchemas(document: Json, maxChars = SPLIT_MAX_CHARS): Relocate {
  const moved = new Map<string, string>();
  const store: Json = {};
  let count = 0;

  /** Post-order: a subschema's own large parts move first, so what stays inline is at most ~maxChars. */
  function visit(schema: unknown, path: string): void {
    if (!isObject(schema)) return;
    for (const [holder, key, at] of childSlots(schema, path)) {
      const child = holder[key];
      visit(child, at);
      if (!isObject(child) || child.$ref !== undefined || JSON.stringify(child).length <= maxChars) continue;
      const name = `s${count++}`;
      store[name] = child;
      holder[key] = { $ref: `#/${SPLIT_KEY}/${name}` };
      moved.set(at, `/${SPLIT_KEY}/${name}`);
    }
  }

  const schemas = isObject(document.components) && isObject(document.components.schemas) ? document.components.schemas : {};
  for (const name of Object.keys(schemas)) visit(schemas[name], `/components/schemas/${escapePointer(name)}`);
  visitRoots(document.paths, '/paths', visit);
  if (count === 0) return (pointer) => pointer;
  document[SPLIT_KEY] = store;

  const relocate: Relocate = (pointer) => {
    // The longest moved prefix first: a subschema moved out of one that moved later is found directly.
    for (let end = pointer.length; end > 0; end = pointer.lastIndexOf('/', end - 1)) {
      const to = moved.get(pointer.slice(0, end));
      if (to !== undefined) return relocate(to + pointer.slice(end));
    }
    return pointer;
  };
  rewriteRefs(document, relocate);
  return relocate;
}

/** Each place in `schema` holding a subschema: [holder, key, pointer of the subschema]. */
function childSlots(schema: Json, path: string): [Json, string, string][] {
  const slots: [Json, string, string][] = [];
  for (const key of SINGLE) if (isObject(schema[key])) slots.push([schema, key, `${path}/${key}`]);
  for (const key of LISTS) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((_, i) => slots.push([list as unknown as Json, String(i), `${path}/${key}/${i}`]));
  }
  for (const key of MAPS) {
    const map = schema[key];
    if (isObject(map)) for (const name of Object.keys(map)) slots.push([map, name, `${path}/${key}/${escapePointer(name)}`]);
  }
  return slots;
}

/** Finds schema roots under `paths`: every `schema`, and every task schema a document lists. */
function visitRoots(node: unknown, path: string, visit: (schema: unknown, path: string) => void): void {
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    const at = `${path}/${escapePointer(key)}`;
    if (key === 'schema') visit(value, at);
    else if (key === 'x-standin-task-schemas' && isObject(value)) for (const [task, schema] of Object.entries(value)) visit(schema, `${at}/${escapePointer(task)}`);
    else visitRoots(value, at, visit);
  }
}

/** Points every local `$ref` (`#/…`) at where its target now lives. */
function rewriteRefs(node: unknown, relocate: Relocate): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) rewriteRefs(item, relocate);
    return;
  }
  const obj = node as Json;
  if (typeof obj.$ref === 'string' && obj.$ref.startsWith('#/')) obj.$ref = `#${relocate(obj.$ref.slice(1))}`;
  for (const value of Object.values(obj)) rewriteRefs(value, relocate);
}
