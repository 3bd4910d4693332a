/**
 * Citations: every check names the document and the statement it comes from. Pointers are written the
 * way a reader finds them in the provider's own file (`#/paths/~1v1~1messages/post/responses/429`); the
 * statement is the description found there, following `$ref`s into the bundled shared parts.
 */
import { escapePointer, resolveNode } from '../core/json-pointer.js';
import type { JsonObject, OperationRuntime, ProviderRuntime } from '../core/types.js';
import type { DocSource } from './types.js';

export function documentName(provider: ProviderRuntime): string {
  return `${provider.name}.yaml`;
}

/** The pointer of an operation in its provider's document (`/paths/~1v1~1messages/post`). */
export function operationPointer(op: OperationRuntime): string {
  return `/paths/${escapePointer(op.path)}/${op.method.toLowerCase()}`;
}

/** The node at a pointer, following `$ref`s at every step (a pointer may pass through a referenced object). */
export function nodeAt(doc: JsonObject, pointer: string): unknown {
  let node: unknown = doc;
  for (const raw of pointer.replace(/^\//, '').split('/').filter((s) => s !== '')) {
    if (node && typeof node === 'object' && typeof (node as JsonObject).$ref === 'string') node = follow(doc, node);
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node && typeof node === 'object' ? follow(doc, node) : node;
}

function follow(doc: JsonObject, node: unknown): unknown {
  try {
    return resolveNode(doc, node, '').node;
  } catch {
    return undefined;
  }
}

/** The description (or summary, or note) at a pointer, following `$ref`s; empty when there is none. */
export function statementAt(doc: JsonObject, pointer: string): string {
  const node = nodeAt(doc, pointer) as JsonObject | string | number | undefined;
  if (node === undefined || node === null) return '';
  if (typeof node !== 'object') return String(node);
  for (const key of ['description', 'summary', 'x-note']) {
    const value = node[key];
    if (typeof value === 'string') return oneLine(value);
    if (Array.isArray(value) && typeof value[0] === 'string') return oneLine(value.join(' '));
  }
  return '';
}

/** A citation of `pointer` in the provider's document; `fallback` when the place has no text of its own. */
export function cite(provider: ProviderRuntime, pointer: string, fallback = ''): DocSource {
  const statement = statementAt(provider.document, pointer) || fallback;
  return { document: documentName(provider), pointer: `#${pointer}`, statement };
}

/** A citation of `pointer` with a statement of the caller's (a property's description found below it). */
export function citeWith(provider: ProviderRuntime, pointer: string, statement: string): DocSource {
  return { document: documentName(provider), pointer: `#${pointer}`, statement };
}

/** A citation of an operation's response for a status (`.../responses/429`). */
export function citeResponse(provider: ProviderRuntime, op: OperationRuntime, status: number | string, fallback = ''): DocSource {
  return cite(provider, `${operationPointer(op)}/responses/${status}`, fallback);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}
