// Part of `npm run build` (after tsc): keeps the bundled documents (dist/openapi-bundle.json, see
// src/node/load-documents.ts) and generates each provider's request validators ahead of time as
// Ajv standalone code (dist/validators/<provider>.cjs), with a manifest naming the schema pointer of
// each export and a hash of the bundled document it was made from. `standin serve` loads them when the
// hash matches the document it loaded (src/node/precompiled-validators.ts), and compiles otherwise: the
// compile was over half of start-up. A document that does not compile fails the build.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { isDeepStrictEqual } from 'node:util';
import { bundledOpenapiDir, keptBundleFile, loadDocuments, sourceHash } from '../dist/node/load-documents.js';
import { compileProvider } from '../dist/core/compile-provider.js';
import { requestSchemaPointers } from '../dist/core/engine.js';
import { createAjv, schemaRef } from '../dist/core/validator.js';
import { profileFor } from '../dist/profiles/index.js';

const standaloneCode = standaloneModule.default ?? standaloneModule;
const out = new URL('../dist/validators/', import.meta.url);
mkdirSync(out, { recursive: true });

/** Written under a temporary name and renamed into place, so a reader never sees half a file. */
function writeAtomic(url, text) {
  const temp = new URL(`${url.href}.${process.pid}.tmp`);
  writeFileSync(temp, text);
  renameSync(temp, url);
}

// Bundled afresh (never from a kept bundle), and kept for start-up when JSON holds them exactly.
const hashBefore = await sourceHash(bundledOpenapiDir);
const documents = await loadDocuments(undefined, bundledOpenapiDir, { useKept: false });
if (isDeepStrictEqual(JSON.parse(JSON.stringify(documents)), documents) && hashBefore === (await sourceHash(bundledOpenapiDir))) {
  writeAtomic(keptBundleFile, JSON.stringify({ sourceHash: hashBefore, documents }));
}
for (const [name, document] of Object.entries(documents)) {
  const documentHash = createHash('sha256').update(JSON.stringify(document)).digest('hex');
  const ajv = createAjv({ standalone: true });
  const provider = compileProvider(name, document, profileFor(document, name), ajv);
  const pointers = [...new Set(requestSchemaPointers(provider))];
  const exports = {};
  pointers.forEach((pointer, i) => {
    // Ajv's copy of the document has its large subschemas split out (src/core/ajv-split.ts).
    const ref = schemaRef(ajv, provider.ajvKey, pointer);
    if (!ajv.getSchema(ref)) throw new Error(`${name}: no schema at ${pointer}`);
    exports[`v${i}`] = ref;
  });
  const code = standaloneCode(ajv, exports);
  writeAtomic(new URL(`${name}.cjs`, out), code);
  // The manifest names each export by its pointer in the document as standin reads it.
  const manifest = { documentHash, exports: Object.fromEntries(pointers.map((pointer, i) => [`v${i}`, pointer])) };
  writeAtomic(new URL(`${name}.json`, out), JSON.stringify(manifest, null, 1));
}
