/**
 * Facts read out of a bundled document's schemas: the nodes that describe a property (across `allOf`
 * overlays and unions), its description, its bounds, and the headers a response documents.
 */
import { escapePointer, getAtPointer, resolveNode } from '../core/json-pointer.js';
import type { JsonObject } from '../core/types.js';

export interface Located {
  node: JsonObject;
  pointer: string;
}

/** Every schema node that describes `path` below the schema at `pointer` (allOf/anyOf/oneOf branches included). */
export function propertyNodes(doc: JsonObject, pointer: string, path: string[]): Located[] {
  const start = locate(doc, pointer);
  if (!start) return [];
  let frontier: Located[] = [start];
  for (const name of path) {
    const next: Located[] = [];
    for (const at of frontier) collect(doc, at, name, next, 0);
    frontier = next;
  }
  return frontier;
}

function collect(doc: JsonObject, at: Located, name: string, out: Located[], depth: number): void {
  if (depth > 12) return;
  const { node, pointer } = at;
  if (name === '[]') {
    for (const key of ['items', 'prefixItems']) {
      const child = node[key];
      if (Array.isArray(child)) child.forEach((_, i) => push(doc, `${pointer}/${key}/${i}`, out));
      else if (child) push(doc, `${pointer}/${key}`, out);
    }
  } else {
    const props = node.properties as JsonObject | undefined;
    if (props && props[name] !== undefined) push(doc, `${pointer}/properties/${escapePointer(name)}`, out);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const branches = node[key];
    if (!Array.isArray(branches)) continue;
    branches.forEach((_, i) => {
      const branch = locate(doc, `${pointer}/${key}/${i}`);
      if (branch) collect(doc, branch, name, out, depth + 1);
    });
  }
  for (const key of ['then', 'else']) {
    const branch = node[key] ? locate(doc, `${pointer}/${key}`) : undefined;
    if (branch) collect(doc, branch, name, out, depth + 1);
  }
}

function push(doc: JsonObject, pointer: string, out: Located[]): void {
  const at = locate(doc, pointer);
  if (at) out.push(at);
}

export function locate(doc: JsonObject, pointer: string): Located | undefined {
  const raw = getAtPointer(doc, pointer);
  if (raw === undefined || raw === null || typeof raw !== 'object') return undefined;
  try {
    return resolveNode(doc, raw, pointer);
  } catch {
    return undefined;
  }
}

/** The first description found for a property, as `name: description`. */
export function describeProperty(doc: JsonObject, pointer: string, path: string[]): string {
  const nodes = propertyNodes(doc, pointer, path);
  const text = nodes.map((n) => n.node.description).find((d) => typeof d === 'string') as string | undefined;
  const name = path.filter((p) => p !== '[]').join('.');
  return text ? `${name}: ${text.replace(/\s+/g, ' ').trim()}` : name;
}

/** The tightest `maximum` any node gives the property. */
export function maximumOf(doc: JsonObject, pointer: string, path: string[]): number | undefined {
  const maxima = propertyNodes(doc, pointer, path)
    .map((n) => n.node.maximum)
    .filter((m): m is number => typeof m === 'number');
  return maxima.length ? Math.min(...maxima) : undefined;
}

export interface DocumentedHeader {
  /** Lower-case name. */
  name: string;
  /** The header object's pointer, after `$ref`s. */
  pointer: string;
  node: JsonObject;
  derived?: string;
  required: boolean;
}

/** The headers documented on the response object at `responsePointer` (already resolved). */
export function documentedHeaders(doc: JsonObject, responsePointer: string | undefined): DocumentedHeader[] {
  if (!responsePointer) return [];
  const response = getAtPointer(doc, responsePointer) as JsonObject | undefined;
  const headers = (response?.headers ?? {}) as JsonObject;
  const out: DocumentedHeader[] = [];
  for (const name of Object.keys(headers)) {
    const at = locate(doc, `${responsePointer}/headers/${escapePointer(name)}`);
    if (!at) continue;
    out.push({
      name: name.toLowerCase(),
      pointer: at.pointer,
      node: at.node,
      derived: typeof at.node['x-standin-value'] === 'string' ? (at.node['x-standin-value'] as string) : undefined,
      required: at.node.required === true,
    });
  }
  return out;
}
