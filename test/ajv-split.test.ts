/**
 * Ajv's copy of a document has its large subschemas split out into references (src/core/ajv-split.ts),
 * so that V8 optimises the validators. The split must not change a single verdict: every provider's
 * request schemas judge a corpus of real and generated requests, and mutants of them, exactly as the
 * document as written (compiled without the split, references inlined as Ajv does by default) judges
 * them, errors included.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { splitLargeSchemas, SPLIT_KEY } from '../src/core/ajv-split.js';
import { compileProvider } from '../src/core/compile-provider.js';
import { requestSchemaPointers } from '../src/core/engine.js';
import { createAjv, describeErrors, normaliseForAjv, UNION_KEYWORDS, validatorAt, type Validator } from '../src/core/validator.js';
import { loadDocuments } from '../src/node/load-documents.js';
import { profileFor } from '../src/profiles/index.js';
import { anthropicCorpus } from './support/anthropic-corpus.js';
import { openaiCorpus } from './support/openai-corpus.js';

type Json = Record<string, unknown>;

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

/** The document as written, compiled the way Ajv does by default: no split, references inlined. */
function unsplitValidator(document: Json, pointer: string): Validator {
  const ajv = new Ajv2020({ strict: false, discriminator: true, allErrors: false, validateSchema: false });
  addFormats(ajv);
  const copy = structuredClone(document);
  normaliseForAjv(copy);
  ajv.addSchema(copy, 'doc');
  return ajv.compile({ $ref: `doc#${pointer}` });
}

/** Request bodies real clients sent (pydantic-ai's recorded cassettes), by the folder's provider family. */
function recordedBodies(folder: 'anthropic' | 'openai'): unknown[] {
  const dir = new URL(`./data/real-recordings/${folder}/`, import.meta.url);
  const bodies: unknown[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
    const cassette = parse(readFileSync(new URL(name, dir), 'utf8')) as { interactions?: { request?: { parsed_body?: unknown } }[] };
    for (const interaction of cassette.interactions ?? []) if (interaction.request?.parsed_body) bodies.push(interaction.request.parsed_body);
  }
  return bodies;
}

/** The request examples a document gives. */
function documentExamples(document: Json): unknown[] {
  const out: unknown[] = [];
  for (const item of Object.values(document.paths as Json)) {
    for (const op of Object.values(item as Json)) {
      const media = (op as { requestBody?: { content?: Record<string, { example?: unknown; examples?: Record<string, { value?: unknown }> }> } })?.requestBody?.content?.['application/json'];
      if (!media) continue;
      if (media.example !== undefined) out.push(media.example);
      for (const example of Object.values(media.examples ?? {})) if (example.value !== undefined) out.push(example.value);
    }
  }
  return out;
}

/** Each body, and for an object body each top-level field removed, made a number, made a string. */
function withMutants(bodies: unknown[]): unknown[] {
  const out: unknown[] = [null, 'text', [], {}];
  for (const body of bodies) {
    out.push(body);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) continue;
    for (const key of Object.keys(body)) {
      const { [key]: _, ...rest } = body as Json;
      out.push(rest, { ...body, [key]: 7 }, { ...body, [key]: 'x' }, { ...body, [key]: [{ type: 'nope' }] });
    }
  }
  return out;
}

const withoutSchemaPath = (errors: Validator['errors']) => (errors ?? []).map(({ schemaPath: _, ...rest }) => rest);
/**
 * The errors that name a fault. A subschema in a function of its own reports its first error and
 * returns, where inlined it would have returned from the whole validator: so after the same first error
 * the split may add the enclosing union's own error (an `if` whose `then` failed). describeErrors skips
 * those (UNION_KEYWORDS), as standin does everywhere it reads errors.
 */
const concrete = (errors: Validator['errors']) => withoutSchemaPath(errors).filter((e) => !UNION_KEYWORDS.has(e.keyword));

describe('splitting large subschemas out for Ajv', () => {
  it('moves large inline subschemas, rewrites references into them and relocates pointers', () => {
    const big = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`field_${i}`, { type: 'string', description: 'x'.repeat(40) }]));
    const document: Json = {
      paths: { '/a': { post: { requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { inner: { type: 'object', properties: { deep: { type: 'object', properties: big(20) }, ...big(8) } } } } } } } } } },
      components: { schemas: { Uses: { $ref: '#/paths/~1a/post/requestBody/content/application~1json/schema/properties/inner/properties/deep' }, Small: { type: 'string' } } },
    };
    const relocate = splitLargeSchemas(document, 400);
    const store = document[SPLIT_KEY] as Json;
    expect(Object.keys(store).length).toBe(2);
    const root = '/paths/~1a/post/requestBody/content/application~1json/schema';
    // The root stays; its moved child and the grandchild moved out of it are both found.
    expect(relocate(root)).toBe(root);
    const inner = relocate(`${root}/properties/inner`);
    const deep = relocate(`${root}/properties/inner/properties/deep`);
    expect(inner).toMatch(new RegExp(`^/${SPLIT_KEY}/s\\d+$`));
    expect(deep).toMatch(new RegExp(`^/${SPLIT_KEY}/s\\d+$`));
    expect(deep).not.toBe(inner);
    expect(relocate(`${root}/properties/inner/properties/deep/properties/field_3`)).toBe(`${deep}/properties/field_3`);
    // A reference into the moved part points at its new place.
    expect((document.components as { schemas: Json }).schemas.Uses).toEqual({ $ref: `#${deep}` });
    expect((document.components as { schemas: Json }).schemas.Small).toEqual({ type: 'string' });

    const ajv = createAjv();
    ajv.addSchema(document, 'doc');
    const validate = ajv.compile({ $ref: `doc#${relocate(`${root}/properties/inner/properties/deep/properties/field_3`)}` });
    expect(validate('a')).toBe(true);
    expect(validate(3)).toBe(false);
  });

  it('changes no verdict and no error of any request schema of any provider', async () => {
    const documents = await loadDocuments();
    const corpus: Record<string, unknown[]> = {
      anthropic: [...anthropicCorpus('claude-haiku-4-5', 8192), ...recordedBodies('anthropic')],
      openai: [...openaiCorpus('anthropic/claude-haiku-4.5'), ...recordedBodies('openai')],
    };
    let judged = 0;
    for (const [name, document] of Object.entries(documents)) {
      const ajv = createAjv();
      const provider = compileProvider(name, document, profileFor(document, name), ajv);
      const family = name === 'aigateway' ? corpus.openai! : name === 'runware' ? [] : corpus.anthropic!;
      const bodies = withMutants([...family, ...documentExamples(document as Json)]);
      for (const pointer of new Set(requestSchemaPointers(provider))) {
        const split = validatorAt(ajv, provider.ajvKey, pointer);
        const whole = unsplitValidator(document as Json, pointer);
        for (const body of bodies) {
          const verdict = split(body);
          expect(verdict, `${name} ${pointer}: ${JSON.stringify(body).slice(0, 200)}`).toBe(whole(body));
          if (verdict) continue;
          expect(withoutSchemaPath(split.errors)[0]).toEqual(withoutSchemaPath(whole.errors)[0]);
          expect(concrete(split.errors)).toEqual(concrete(whole.errors));
          expect(describeErrors(split.errors)).toEqual(describeErrors(whole.errors));
        }
        judged += bodies.length;
      }
    }
    // Every provider, every request schema, hundreds of bodies each: not a vacuous loop.
    expect(judged).toBeGreaterThan(10_000);
  }, 120_000);
});
