// npm run bench (replay part): replaying a recorded exchange next to synthesising the same answer, in
// the same run and the same process (engine.handle, 50 requests interleaved, no sockets), for a JSON
// answer (requests/s) and a streamed one (events/s, the whole stream read). The recordings are made
// from standin's own answers first, so both sides send the same bytes. Replay must not be slower.
import { loadDocuments } from '../dist/node/load-documents.js';
import { createStandin } from '../dist/standin.js';
import { createFixtureSource } from '../dist/fixtures/source.js';
import { fixtureSetOf } from '../dist/fixtures/parse.js';
import { toResponse } from '../dist/core/reply.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const documents = await loadDocuments(['anthropic']);
const ask = { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello, Claude' }] };
const streamAsk = { ...ask, max_tokens: 2000, stream: true };
const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-bench', 'anthropic-version': '2023-06-01' };
const request = (body) => {
  const text = JSON.stringify(body);
  const h = { ...headers, 'content-length': String(text.length) };
  return { method: 'POST', url: 'http://127.0.0.1:4010/anthropic/v1/messages', headers: { get: (name) => h[name] ?? null }, text: () => Promise.resolve(text), body: null };
};

async function readAll(reply) {
  if (typeof reply.body === 'string' || reply.body === null) return reply.body ?? '';
  // A synthesised stream is an SSE source, a replayed one a byte stream: read both as a Response would.
  return toResponse(reply).text();
}

const synthesis = createStandin({ documents, precompile: true });
const jsonAnswer = await synthesis.handle(request(ask));
const streamAnswer = await synthesis.handle(request(streamAsk));
const streamText = await readAll(streamAnswer);
const frames = streamText.split(/(?<=\n\n)/).map((text) => ({ at: 0, text }));
const recorded = fixtureSetOf('bench.json', {
  format: 'standin-exchanges/1',
  provider: 'anthropic',
  exchanges: [
    { request: { method: 'POST', path: '/v1/messages', body: ask }, response: { status: 200, headers: jsonAnswer.headers, body: JSON.parse(jsonAnswer.body) } },
    { request: { method: 'POST', path: '/v1/messages', body: streamAsk }, response: { status: 200, headers: streamAnswer.headers, frames } },
  ],
});
const replay = createStandin({ documents, precompile: true, fixtures: createFixtureSource(recorded, { onMiss: 'error' }) });
const check = await replay.handle(request(streamAsk));
if (!check.headers['x-standin-fixture'] || (await readAll(check)) !== streamText) throw new Error('replay did not answer the recorded stream');

async function round(engine, body, n) {
  const started = process.hrtime.bigint();
  let events = 0;
  for (let i = 0; i < n; i += 50) {
    const texts = await Promise.all(Array.from({ length: 50 }, async () => readAll(await engine.handle(request(body)))));
    for (const t of texts) events += t.split('\n\n').length - 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rps: n / seconds, eps: events / seconds };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function compare(body, n, field) {
  await round(synthesis, body, n); // warm-up: JIT
  await round(replay, body, n);
  const s = [];
  const r = [];
  for (let i = 0; i < ROUNDS; i++) {
    s.push((await round(synthesis, body, n))[field]);
    r.push((await round(replay, body, n))[field]);
  }
  return { synthesis: median(s), replay: median(r), ratio: median(r.map((x, i) => x / s[i])) };
}

const json = await compare(ask, 10_000, 'rps');
// Rounds of ~0.3 s: with 500 streams a round lasted ~40 ms, and one collection more or less in a round
// swung the ratio from 0.77 to 1.15 between runs of the same build.
const stream = await compare(streamAsk, 4_000, 'eps');
const f = (n) => Math.round(n).toLocaleString('en-US');
console.log(`\nreplay vs synthesis, POST /anthropic/v1/messages in process (Node ${process.version}), medians of ${ROUNDS} alternating rounds:`);
console.log(`  JSON     synthesis ${f(json.synthesis)} req/s    replay ${f(json.replay)} req/s    replay/synthesis ${json.ratio.toFixed(2)}`);
console.log(`  stream   synthesis ${f(stream.synthesis)} events/s replay ${f(stream.replay)} events/s replay/synthesis ${stream.ratio.toFixed(2)}`);
if (json.ratio < 1 || stream.ratio < 1) {
  console.log('  REPLAY SLOWER THAN SYNTHESIS');
  process.exitCode = 1;
}
