/** JSON pointers into a bundled OpenAPI document (all `$ref`s are local once bundled). */
import type { JsonObject } from './types.js';

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function getAtPointer(doc: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '/') return doc;
  let node: unknown = doc;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Follows local `$ref`s until a concrete object, returning it with the pointer where it lives. */
export function resolveNode(doc: JsonObject, node: unknown, pointer: string): { node: JsonObject; pointer: string } {
  let current = node as JsonObject;
  let where = pointer;
  for (let hops = 0; current && typeof current.$ref === 'string'; hops++) {
    const ref = current.$ref;
    if (!ref.startsWith('#') || hops > 32) throw new Error(`standin: cannot follow $ref ${ref} at ${where}`);
    where = ref.slice(1);
    current = getAtPointer(doc, where) as JsonObject;
    if (current === undefined) throw new Error(`standin: $ref ${ref} points at nothing`);
  }
  return { node: current, pointer: where };
}
