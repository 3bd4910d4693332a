/** Reads facts out of the provider documents, so tests follow the documents instead of copying them. */
import { loadDocuments } from '../../src/node/load-documents.js';
import type { JsonObject } from '../../src/core/types.js';

const cache = new Map<string, Promise<JsonObject>>();

export function documentOf(provider: string): Promise<JsonObject> {
  let doc = cache.get(provider);
  if (!doc) cache.set(provider, (doc = loadDocuments([provider]).then((d) => d[provider]!)));
  return doc;
}

/** Every documented error status (>= 400) of an operation. */
export async function errorStatuses(provider: string, path: string, method = 'post'): Promise<number[]> {
  const doc = await documentOf(provider);
  const op = ((doc.paths as JsonObject)[path] as JsonObject)[method] as JsonObject;
  return Object.keys(op.responses as JsonObject)
    .map(Number)
    .filter((s) => s >= 400)
    .sort((a, b) => a - b);
}

export async function hasOperation(provider: string, path: string, method = 'post'): Promise<boolean> {
  const doc = await documentOf(provider);
  return Boolean(((doc.paths as JsonObject)[path] as JsonObject | undefined)?.[method]);
}
