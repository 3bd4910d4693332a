/**
 * Reads the provider documents from disk and bundles their shared parts (Node only). Bundling is most of
 * start-up, so the build keeps the bundled documents (dist/openapi-bundle.json, with a hash of every file
 * under openapi/), and the documents shipped with standin are read from there while their files are the
 * ones it was made from; an edited file is bundled afresh.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonObject } from '../core/types.js';

/** The `openapi/` folder shipped with standin (the same from `src/` and `dist/`). */
export const bundledOpenapiDir = fileURLToPath(new URL('../../openapi/', import.meta.url));

export async function listProviders(dir = bundledOpenapiDir): Promise<string[]> {
  const files = await readdir(dir);
  return files.filter((f) => f.endsWith('.yaml')).map((f) => basename(f, '.yaml')).sort();
}

export async function loadDocument(file: string): Promise<JsonObject> {
  // bundle() turns references into other files into local ones, keeping shared parts written once.
  // Imported here, not at the top: a start from the kept bundle never loads the parser.
  const { default: $RefParser } = await import('@apidevtools/json-schema-ref-parser');
  return (await $RefParser.bundle(file)) as unknown as JsonObject;
}

/** The bundled documents kept by the build (scripts/build-validators.mjs). */
export const keptBundleFile = new URL('../openapi-bundle.json', import.meta.url);

export interface KeptBundle {
  sourceHash: string;
  documents: Record<string, JsonObject>;
}

export async function loadDocuments(names?: string[], dir = bundledOpenapiDir, options: { useKept?: boolean } = {}): Promise<Record<string, JsonObject>> {
  const available = await listProviders(dir);
  const wanted = names ?? available;
  for (const name of wanted) {
    if (!available.includes(name)) throw new Error(`unknown provider '${name}'; known: ${available.join(', ')}`);
  }
  const kept = options.useKept !== false && dir === bundledOpenapiDir ? await readKeptBundle(dir) : undefined;
  if (kept && wanted.every((name) => Object.hasOwn(kept, name))) return Object.fromEntries(wanted.map((name) => [name, kept[name]!]));
  const docs = await Promise.all(wanted.map((name) => loadDocument(join(dir, `${name}.yaml`))));
  return Object.fromEntries(wanted.map((name, i) => [name, docs[i]!]));
}

/** A hash of every file under `dir` (names and contents): any edit, addition or removal changes it. */
export async function sourceHash(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${relative(dir, file)}\0`).update(await readFile(file)).update('\0');
  return hash.digest('hex');
}

async function readKeptBundle(dir: string): Promise<Record<string, JsonObject> | undefined> {
  let kept: KeptBundle;
  try {
    kept = JSON.parse(await readFile(keptBundleFile, 'utf8')) as KeptBundle;
  } catch {
    return undefined; // not built (running from src/), or unreadable: bundle as before
  }
  return kept.sourceHash === (await sourceHash(dir)) ? kept.documents : undefined;
}
