/**
 * Numbers a profile reads out of its operation's schemas (a `maximum`, a `default`), once per operation.
 * The document is the source of truth, so a document that lacks a number the profile needs is an error
 * that names the place, not a silent fallback.
 */
import { escapePointer, resolveNode } from '../core/json-pointer.js';
import type { JsonObject, OperationRuntime, ProviderRuntime } from '../core/types.js';

/** Where a schema sits below an operation (`/requestBody/content/application~1json/schema`), as segments. */
export const JSON_BODY_SCHEMA = ['requestBody', 'content', 'application/json', 'schema'];

const found = new WeakMap<OperationRuntime, Map<string, number | undefined>>();

/**
 * The number `keyword` of the schema reached from the operation by `segments` (object keys, `$ref`s
 * followed at every step), or undefined when the document does not give one. Read once per operation.
 */
export function findNumber(provider: ProviderRuntime, op: OperationRuntime, segments: readonly string[], keyword: string): number | undefined {
  let cache = found.get(op);
  if (!cache) found.set(op, (cache = new Map()));
  const key = `${segments.join('\u0000')}\u0000${keyword}`;
  if (!cache.has(key)) {
    const value = nodeBelow(provider.document, op, segments)?.[keyword];
    cache.set(key, typeof value === 'number' ? value : undefined);
  }
  return cache.get(key);
}

/** As `findNumber`, but a document without the number throws, naming what is missing and where. */
export function requireNumber(provider: ProviderRuntime, op: OperationRuntime, segments: readonly string[], keyword: string): number {
  const value = findNumber(provider, op, segments, keyword);
  if (value === undefined) {
    const where = `${op.pointer}/${segments.map(escapePointer).join('/')}`;
    throw new Error(`standin: ${provider.name}: ${op.operationId} needs a numeric \`${keyword}\` at ${where} (the ${provider.profile.name} profile reads it from the document)`);
  }
  return value;
}

function nodeBelow(doc: JsonObject, op: OperationRuntime, segments: readonly string[]): JsonObject | undefined {
  let node: unknown = op.raw;
  let pointer = op.pointer;
  for (const segment of segments) {
    const at = resolveNode(doc, node, pointer);
    node = at.node?.[segment];
    pointer = `${at.pointer}/${escapePointer(segment)}`;
    if (node === undefined || node === null || typeof node !== 'object') return undefined;
  }
  return resolveNode(doc, node, pointer).node;
}
