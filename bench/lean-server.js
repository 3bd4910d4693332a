// A yardstick, not a product: what standin's behaviour for the bench's non-streaming request costs when
// written as one synchronous function (bench/floor.js). It uses standin's own parts where the work is
// real (the precompiled request validator, the seed hash, the Anthropic planner and its JSON template,
// the request-id maker) and does the rest as plainly as it can be done for this one route: check the
// key, count the key's rate-limit buckets and render their documented headers, keep the exchange in a
// ring of 1,000 (BENCH_LEAN_RING sets its size; 0 keeps nothing), packed into bytes in standin's own
// PackedRing as the journal keeps it, but as one plain line of text with no trace, secrets or redaction. What standin does around that
// (routing over every provider, sessions, Prefer, fixtures, chaos, the state store, the redacting
// journal, async sources) it does not do. The gap between this and standin is the price of that
// generality; the gap between this and the ceiling is the price of the behaviour itself.
import { createServer } from 'node:http';
import { writeWhole } from '../dist/adapters/write-whole.js';
import { createRng, hashJson } from '../dist/core/hash.js';
import { headersText } from '../dist/journal/exchange-record.js';
import { PackedRing } from '../dist/journal/packed-ring.js';
import { advertisedBuckets } from '../dist/core/limits/buckets.js';
import { compileProvider } from '../dist/core/compile-provider.js';
import { formatInstant } from '../dist/core/instant.js';
import { createAjv } from '../dist/core/validator.js';
import { loadDocuments } from '../dist/node/load-documents.js';
import { loadPrecompiledValidators } from '../dist/node/precompiled-validators.js';
import { profileFor } from '../dist/profiles/index.js';
import { planMessage } from '../dist/profiles/anthropic-messages/plan-message.js';
import { messageJson } from '../dist/profiles/anthropic-messages/render-message.js';

const documents = await loadDocuments(['anthropic']);
const validate = loadPrecompiledValidators(documents).anthropic['/paths/~1v1~1messages/post/requestBody/content/application~1json/schema']();
const STREAM_FLAGS = new Set(['stream', 'stream_options']);
// The provider's facts come from its document, as standin reads them: the model answered, the
// budgets, and which documented header carries each budget's limit, remaining and reset (and in what
// form the reset is written).
const provider = compileProvider('anthropic', documents.anthropic, profileFor(documents.anthropic, 'anthropic'), createAjv());
const operation = provider.operations.find((op) => op.method === 'POST' && op.path === '/v1/messages');
const headerFor = (value) => operation.successHeaders.find((spec) => spec.derived === value);
const MODEL = provider.modelAnswers;
// The key in the first way the document lets a client authenticate (the bench sends it), and the
// headers every request must carry.
const KEY_HEADER = operation.security[0][0].header;
const REQUIRED = operation.requiredHeaders;
const REQUEST_ID = headerFor('request-id').name;
const BUCKETS = advertisedBuckets(provider);
const WINDOW_MS = Math.max(...BUCKETS.map((b) => b.windowMs));
// Names and the limit's text made once, as standin's renderer keeps them.
const NAMED = BUCKETS.map(({ name, limit }) => ({
  name,
  limit,
  limitText: String(limit),
  limitName: headerFor(`ratelimit-${name}-limit`).name,
  remainingName: headerFor(`ratelimit-${name}-remaining`).name,
  reset: headerFor(`ratelimit-${name}-reset`),
}));
const windows = new Map();
const RING = Number(process.env.BENCH_LEAN_RING ?? 1000);
const ring = new PackedRing();
let kept = 0;

function answer(req, text, res) {
  const key = req.headers[KEY_HEADER];
  if (!key || REQUIRED.some((name) => !req.headers[name])) return refuse(res, 401, 'authentication_error');
  const body = JSON.parse(text);
  if (!validate(body)) return refuse(res, 400, 'invalid_request_error');
  const planned = planMessage(body, createRng(hashJson(body, STREAM_FLAGS)));
  if (!planned.ok) return refuse(res, 400, 'invalid_request_error');
  const plan = { ...planned.plan, model: MODEL[planned.plan.model] ?? planned.plan.model };
  const json = messageJson(plan);

  const now = Date.now();
  let window = windows.get(key);
  if (!window || now >= window.start + WINDOW_MS) windows.set(key, (window = { start: Math.floor(now / 1000) * 1000, requests: 0, input: 0, output: 0 }));
  window.requests += 1;
  window.input += plan.inputTokens;
  window.output += plan.outputTokens;
  const used = { requests: window.requests, tokens: window.input + window.output, 'input-tokens': window.input, 'output-tokens': window.output };
  const headers = { 'content-type': 'application/json', [REQUEST_ID]: provider.profile.requestId() };
  for (const bucket of NAMED) {
    headers[bucket.limitName] = bucket.limitText;
    headers[bucket.remainingName] = String(Math.max(0, bucket.limit - used[bucket.name]));
    headers[bucket.reset.name] = formatInstant(bucket.reset.instant, window.start + WINDOW_MS, now);
  }
  // As standin writes it, with its own writer.
  writeWhole(200, headers, json, res);
  if (RING > 0) {
    const texts = [headersText(req.headers), headersText(headers), text, json];
    let packed = `${JSON.stringify([now, req.method, req.url, 200, texts.map((t) => t.length)])}\n`;
    for (const part of texts) packed += part;
    ring.push(++kept, packed, RING);
  }
}

function refuse(res, status, type) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ type: 'error', error: { type, message: 'refused' } }));
}

function read(req, res) {
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (text += chunk));
  req.on('end', () => answer(req, text, res));
}

// Requests are taken up in turns of the event loop, at most 32 a turn, as standin's Node adapter does
// (createAnswerQueue in src/adapters/node-server.ts): answered one by one as Node reads them, the same
// function ran with cold caches and the yardstick measured that instead of the behaviour.
const waiting = [];
function drain() {
  for (const [req, res] of waiting.splice(0, 32)) if (!req.destroyed) read(req, res);
  if (waiting.length > 0) setImmediate(drain);
}
const server = createServer((req, res) => {
  if (waiting.push([req, res]) === 1) setImmediate(drain);
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
