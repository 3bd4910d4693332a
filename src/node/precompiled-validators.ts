/**
 * Loads the request validators generated at build (scripts/build-validators.mjs) for the documents
 * being served (Node only). A provider's set is used only when it was made from the very document loaded
 * (same hash of the bundled document); otherwise, or when none was built, standin compiles as before.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { JsonObject } from '../core/types.js';
import type { Validator } from '../core/validator.js';

/** By provider and schema pointer: each validator's loader (a provider's code is read on first use). */
export type PrecompiledValidators = Record<string, Record<string, () => Validator>>;

const builtDir = new URL('../validators/', import.meta.url);

export function loadPrecompiledValidators(documents: Record<string, JsonObject>, dir: URL = builtDir): PrecompiledValidators {
  const load = createRequire(import.meta.url);
  const out: PrecompiledValidators = {};
  for (const [name, document] of Object.entries(documents)) {
    const manifestFile = new URL(`${name}.json`, dir);
    const codeFile = new URL(`${name}.cjs`, dir);
    if (!existsSync(manifestFile) || !existsSync(codeFile)) continue;
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { documentHash: string; exports: Record<string, string> };
    if (manifest.documentHash !== createHash('sha256').update(JSON.stringify(document)).digest('hex')) continue;
    let code: Record<string, Validator> | undefined;
    const byPointer: Record<string, () => Validator> = {};
    for (const [id, pointer] of Object.entries(manifest.exports)) {
      byPointer[pointer] = () => {
        code ??= load(codeFile.pathname) as Record<string, Validator>;
        const validate = code[id];
        if (!validate) throw new Error(`standin: ${codeFile.pathname} has no validator ${id} (rebuild: npm run build)`);
        return validate;
      };
    }
    out[name] = byPointer;
  }
  return out;
}
