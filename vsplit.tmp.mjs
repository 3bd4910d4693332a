import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { _ } from 'ajv';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadDocuments } from '/work/main/dist/node/load-documents.js';
import { normaliseForAjv } from '/work/main/dist/core/validator.js';
const standaloneCode = standaloneModule.default ?? standaloneModule;
const require = createRequire(import.meta.url);
const addFormats = addFormatsModule.default ?? addFormatsModule;
const docs = await loadDocuments();
const LIMIT = Number(process.env.LIMIT ?? 1500);
const SPLIT = 'x-split';
function split(doc) {
  const out = (doc[SPLIT] = {}); let n = 0; const moved = new Map();
  const single = ['items', 'additionalProperties', 'not', 'contains', 'if', 'then', 'else', 'propertyNames', 'unevaluatedItems'];
  const arrays = ['oneOf', 'anyOf', 'allOf', 'prefixItems'];
  const maps = ['properties', 'patternProperties', 'dependentSchemas'];
  const esc = (k) => String(k).replace(/~/g, '~0').replace(/\//g, '~1');
  function visit(s, path) {
    if (!s || typeof s !== 'object' || Array.isArray(s)) return;
    const children = [];
    for (const k of single) if (s[k] && typeof s[k] === 'object') children.push([s, k, `${path}/${k}`]);
    for (const k of arrays) if (Array.isArray(s[k])) s[k].forEach((_, i) => children.push([s[k], i, `${path}/${k}/${i}`]));
    for (const k of maps) if (s[k] && typeof s[k] === 'object') for (const p of Object.keys(s[k])) children.push([s[k], p, `${path}/${k}/${esc(p)}`]);
    for (const [o, k, p] of children) { visit(o[k], p); if (JSON.stringify(o[k]).length > LIMIT && !o[k].$ref) { const name = `s${n++}`; out[name] = o[k]; o[k] = { $ref: `#/${SPLIT}/${name}` }; moved.set(p, `/${SPLIT}/${name}`); } }
  }
  for (const [k, s] of Object.entries(doc.components?.schemas ?? {})) visit(s, `/components/schemas/${esc(k)}`);
  (function walk(o, key, path) { if (!o || typeof o !== 'object') return; if (key === 'schema') return visit(o, path); for (const [k, v] of Object.entries(o)) walk(v, k, `${path}/${esc(k)}`); })(doc.paths, '', '/paths');
  const relocate = (ptr) => { const parts = ptr.split('/'); for (let i = parts.length; i > 1; i--) { const pre = parts.slice(0, i).join('/'); const to = moved.get(pre); if (to) return relocate(to + ptr.slice(pre.length)); } return ptr; };
  (function fix(o) { if (!o || typeof o !== 'object') return; if (typeof o.$ref === 'string' && o.$ref.startsWith('#/')) o.$ref = '#' + relocate(o.$ref.slice(1)); for (const v of Object.values(o)) fix(v); })(doc);
  return { n, relocate };
}
const text = '{"model":"claude-haiku-4-5","max_tokens":2000,"messages":[{"role":"user","content":"Hello, Claude"}],"stream":true}';
for (const mode of ['plain', 'split', 'plain', 'split']) {
  const doc = JSON.parse(JSON.stringify(docs.anthropic)); normaliseForAjv(doc);
  const r = mode === 'split' ? split(doc) : { n: 0, relocate: (x) => x };
  const ajv = new Ajv2020({ strict: false, discriminator: true, allErrors: false, validateSchema: false, inlineRefs: mode === 'split' ? false : true, code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } });
  addFormats(ajv); ajv.addSchema(doc, 'anthropic');
  const p = Object.keys(doc.paths).find((x) => x.endsWith('/v1/messages'));
  const ptr = `anthropic#${r.relocate(`/paths/${p.replace(/~/g, '~0').replace(/\//g, '~1')}/post/requestBody/content/application~1json/schema`)}`;
  ajv.getSchema(ptr);
  const code = standaloneCode(ajv, { v0: ptr });
  const file = `/work/main/vsp-${mode}.tmp.cjs`; writeFileSync(file, code);
  const v = require(file).v0;
  const body = JSON.parse(text);
  if (!v(body)) console.log('invalid', v.errors);
  let best = 1e9; for (let r = 0; r < 5; r++) { const t = performance.now(); for (let i = 0; i < 3e5; i++) v(body); best = Math.min(best, (performance.now() - t) / 3e5 * 1000); }
  const fns = [...code.matchAll(/function (validate\d+)\(/g)].map((m) => m.index);
  const biggest = Math.max(...fns.map((s, i) => (fns[i + 1] ?? code.length) - s));
  const bad = { model: 'x', max_tokens: 'a', messages: [] }; v(bad);
  console.log(mode, 'hoisted', r.n, 'validate µs', best.toFixed(3), 'status', eval('%GetOptimizationStatus(v)').toString(2), 'code KB', (code.length / 1024).toFixed(0), 'functions', fns.length, 'biggest KB', (biggest / 1024).toFixed(0), JSON.stringify(v.errors?.map((e) => [e.instancePath, e.keyword])));
}
