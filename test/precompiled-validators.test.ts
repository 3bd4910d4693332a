/**
 * The request validators generated at build (npm run build: scripts/build-validators.mjs) are used only
 * for the document they were made from, cover every request schema the engine validates against, and
 * judge requests exactly as the validators compiled at run time do.
 */
import { describe, expect, it } from 'vitest';
import { compileProvider } from '../src/core/compile-provider.js';
import { requestSchemaPointers } from '../src/core/engine.js';
import { createAjv, describeErrors, validatorAt, type Validator } from '../src/core/validator.js';
import { loadDocuments } from '../src/node/load-documents.js';
import { loadPrecompiledValidators } from '../src/node/precompiled-validators.js';
import { profileFor } from '../src/profiles/index.js';

const withoutSchemaPath = (errors: Validator['errors']) => (errors ?? []).map(({ schemaPath: _, ...rest }) => rest);

const built = new URL('../dist/validators/', import.meta.url);

const samples: Record<string, unknown[]> = {
  anthropic: [
    { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] },
    { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'Hello' }] },
    { model: 'claude-haiku-4-5', max_tokens: 'many', messages: [] },
    { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'not a url' } }] }] },
    { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: [{ type: 'nope' }] }] },
    null,
  ],
  aigateway: [
    { model: 'anthropic/claude-haiku-4.5', messages: [{ role: 'user', content: 'Hello' }] },
    { model: 'anthropic/claude-haiku-4.5', messages: [{ role: 'wizard', content: 'Hello' }] },
    { messages: 'Hello' },
  ],
  runware: [
    [{ taskType: 'textInference', taskUUID: '5f0c7a52-3a39-4d55-9f5b-0a3a3c1d2e11', model: 'anthropic:claude@haiku-4.5', messages: [{ role: 'user', content: 'Hi' }] }],
    { taskType: 'textInference', taskUUID: 'not-a-uuid', model: 'x', messages: [] },
    [],
  ],
};

describe('validators generated at build', () => {
  it('cover every request schema and judge every sample as the run-time compile does, errors included', async () => {
    const documents = await loadDocuments();
    const ready = loadPrecompiledValidators(documents, built);
    expect(Object.keys(ready).sort()).toEqual(Object.keys(documents).sort());
    for (const [name, document] of Object.entries(documents)) {
      const ajv = createAjv();
      const provider = compileProvider(name, document, profileFor(document, name), ajv);
      const pointers = requestSchemaPointers(provider);
      expect(pointers.length).toBeGreaterThan(0);
      expect(Object.keys(ready[name]!).sort()).toEqual([...new Set(pointers)].sort());
      for (const pointer of pointers) {
        const compiled = validatorAt(ajv, provider.ajvKey, pointer);
        const generated = ready[name]![pointer]!();
        for (const sample of samples[name] ?? samples.anthropic!) {
          expect(generated(sample)).toBe(compiled(sample));
          // schemaPath says where the failing keyword sits relative to the compiled root, which differs
          // between the two; nothing in standin reads it. Everything a client sees must be equal.
          expect(withoutSchemaPath(generated.errors)).toEqual(withoutSchemaPath(compiled.errors));
          if (generated.errors) expect(describeErrors(generated.errors)).toEqual(describeErrors(compiled.errors));
        }
      }
    }
  });

  it('are not used for a document that changed since the build', async () => {
    const documents = await loadDocuments(['anthropic', 'runware']);
    const changed = structuredClone(documents.anthropic!) as Record<string, any>;
    changed.info.title = `${String(changed.info.title)} (edited)`;
    const ready = loadPrecompiledValidators({ anthropic: changed, runware: documents.runware! }, built);
    expect(Object.keys(ready)).toEqual(['runware']);
  });
});
