/**
 * Numbers a profile reads out of its operation's schemas (a `maximum`, a `default`), once per operation.
 * The document is the source of truth, so a document that lacks a number the profile needs is an error
 * that names the place, not a silent fallback.
 */
import { escapePointer, resolveNode } from '../core/json-pointer.js';
import type { JsonObject, OperationRuntime, ProviderRuntime } from '../core/types.js';

/** Where a schema sits below an operation (`/requestBody/content/application~1json/schema`), as segments. */
export const JSON_BODY_SCHEMA = ['requestBody', 'content', 'application/json', 'schema'];

/**
 * Numbers found, by operation, then by the very `segments` array (callers pass a constant), then by
 * keyword. Keyed by the array rather than by its joined text: building that key on every request cost
 * ~0.5-1 µs. A caller passing a fresh array each time is answered correctly, only without the cache,
 * and its arrays are not kept (a WeakMap).
 */
const found = new WeakMap<OperationRuntime, WeakMap<readonly string[], Map<string, number | undefined>>>();

/**
 * The number `keyword` of the schema reached from the operation by `segments` (object keys, `$ref`s
 * followed at every step), or undefined when the document does not give one. Read once per operation.
 */
export function findNumber(provider: ProviderRuntime, op: OperationRuntime, segments: readonly string[], keyword: string): number | undefined {
  let bySegments = found.get(op);
  if (!bySegments) found.set(op, (bySegments = new WeakMap()));
  let byKeyword = bySegments.get(segments);
  if (!byKeyword) bySegments.set(segments, (byKeyword = new Map()));
  if (!byKeyword.has(keyword)) {
    const value = nodeBelow(provider.document, op, segments)?.[keyword];
    byKeyword.set(keyword, typeof value === 'number' ? value : undefined);
  }
  return byKeyword.get(keyword);
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
