/** Reads the provider documents from disk and bundles their shared parts (Node only). */
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import $RefParser from '@apidevtools/json-schema-ref-parser';
import type { JsonObject } from '../core/types.js';

/** The `openapi/` folder shipped with standin (the same from `src/` and `dist/`). */
export const bundledOpenapiDir = fileURLToPath(new URL('../../openapi/', import.meta.url));

export async function listProviders(dir = bundledOpenapiDir): Promise<string[]> {
  const files = await readdir(dir);
  return files.filter((f) => f.endsWith('.yaml')).map((f) => basename(f, '.yaml')).sort();
}

export async function loadDocument(file: string): Promise<JsonObject> {
  // bundle() turns references into other files into local ones, keeping shared parts written once.
  return (await $RefParser.bundle(file)) as unknown as JsonObject;
}

export async function loadDocuments(names?: string[], dir = bundledOpenapiDir): Promise<Record<string, JsonObject>> {
  const available = await listProviders(dir);
  const wanted = names ?? available;
  for (const name of wanted) {
    if (!available.includes(name)) throw new Error(`unknown provider '${name}'; known: ${available.join(', ')}`);
  }
  const docs = await Promise.all(wanted.map((name) => loadDocument(join(dir, `${name}.yaml`))));
  return Object.fromEntries(wanted.map((name, i) => [name, docs[i]!]));
}
