/**
 * Citations: every check names the document and the statement it comes from. Pointers are written the
 * way a reader finds them in the provider's own file (`#/paths/~1v1~1messages/post/responses/429`); the
 * statement is the description found there, following `$ref`s into the bundled shared parts.
 */
import { escapePointer, getAtPointer, resolveNode } from '../core/json-pointer.js';
import type { JsonObject, OperationRuntime, ProviderRuntime } from '../core/types.js';
import type { DocSource } from './types.js';

export function documentName(provider: ProviderRuntime): string {
  return `${provider.name}.yaml`;
}

/** The pointer of an operation in its provider's document (`/paths/~1v1~1messages/post`). */
export function operationPointer(op: OperationRuntime): string {
  return `/paths/${escapePointer(op.path)}/${op.method.toLowerCase()}`;
}

/** The description (or summary, or note) at a pointer, following `$ref`s; empty when there is none. */
export function statementAt(doc: JsonObject, pointer: string): string {
  const raw = getAtPointer(doc, pointer);
  if (raw === undefined) return '';
  let node: JsonObject;
  try {
    node = resolveNode(doc, raw, pointer).node;
  } catch {
    return '';
  }
  if (node === null || typeof node !== 'object') return String(node);
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

/** A citation of an operation's response for a status (`.../responses/429`). */
export function citeResponse(provider: ProviderRuntime, op: OperationRuntime, status: number | string, fallback = ''): DocSource {
  return cite(provider, `${operationPointer(op)}/responses/${status}`, fallback);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}
